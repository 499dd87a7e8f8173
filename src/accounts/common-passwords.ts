// The most common passwords in breach corpora (NCSC's and SecLists' top lists), lower-cased.
// Only those at least as long as the minimum matter, plus their obvious variants; a short list
// catches the passwords attackers try first without shipping a dictionary.
const COMMON = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456789000', '1234567890qwerty', '111111111111',
  '000000000000', '123123123123', '121212121212', '987654321987', '098765432109', '112233445566',
  'qwertyuiopas', 'qwertyuiop123', 'qwertyuiop1234', 'qwerty123456', 'qwerty1234567', '1q2w3e4r5t6y',
  '1q2w3e4r5t6y7u', '1qaz2wsx3edc', '1qaz2wsx3edc4rfv', 'zaq12wsxcde3', 'zaq1zaq1zaq1', 'asdfghjkl123',
  'asdfghjkl;\'', 'zxcvbnm12345', 'qazwsxedcrfv', 'qweasdzxc123', 'password1234', 'password12345',
  'password123456', 'passw0rd1234', 'p@ssw0rd1234', 'p@ssword1234', 'password!123', 'passwordpassword',
  'password1password', 'mypassword123', 'mypassword1234', 'letmein12345', 'letmeinletmein', 'welcome12345',
  'welcome123456', 'welcome2024!', 'welcome2025!', 'iloveyou1234', 'iloveyou12345', 'iloveyouiloveyou',
  'princess1234', 'football1234', 'baseball1234', 'basketball12', 'superman1234', 'batman123456',
  'starwars1234', 'trustno1trustno1', 'sunshine1234', 'monkey123456', 'dragon123456', 'master123456',
  'shadow123456', 'michael12345', 'jennifer1234', 'abc123456789', 'abcdefghijkl', 'abcdefg12345',
  'abcd12345678', 'administrator', 'administrator1', 'admin1234567', 'adminadmin123', 'changeme1234',
  'changemenow!', 'qwertyqwerty', 'asdfasdfasdf', 'aaaaaaaaaaaa', 'qqqqqqqqqqqq', 'woaini1314520',
  'woaini123456', '5201314520131', 'wodemima1234', 'zhang123456789', 'a123456789012', 'aa1234567890',
  'q1w2e3r4t5y6', 'q1w2e3r4t5y6u7', '1a2b3c4d5e6f', 'computer1234', 'internet1234', 'whatever1234',
  'dealnav12345', 'dealnavdealnav', 'groupbuy1234', 'correcthorsebatterystaple', 'correct horse battery staple',
]);

export const isCommonPassword = (password: string): boolean => COMMON.has(password.toLowerCase());
