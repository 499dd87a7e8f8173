// The sample sites' deals. Times are relative to the moment the feed is served, so the demo
// never shows an empty or expired list.

export interface SampleDeal {
  id: string;
  title: string;
  city: string;
  /** Price and worth in the site's currency, as the feed writes them (decimal strings). */
  price: string;
  value: string;
  bought: number;
  category: string;
  subcategory: string;
  merchant: string;
  address: string;
  /** Hours from now: start (negative: already running) and end. */
  startsInHours: number;
  endsInHours: number;
  /** Colour of the placeholder picture. */
  colour: string;
  /**
   * Mild misbehaviour for the credibility checks: the deal page's own price (in its JSON-LD) when
   * it differs from the feed's, and a line the page shows (本团购已售罄) while the feed says live.
   */
  pagePrice?: string;
  pageNote?: string;
}

export const letuanDeals: SampleDeal[] = [
  { id: '3172', title: '仅售68元！价值158元的川味火锅双人套餐，含锅底+8道菜品&饮料', city: '成都', price: '68.00', value: '158.00', bought: 413, category: '1', subcategory: '火锅', merchant: '蜀香火锅(春熙店)', address: '锦江区春熙路88号', startsInHours: -20, endsInHours: 52, colour: '#c0392b' },
  { id: '3173', title: '仅售39元！价值100元的IMAX 3D电影票一张', city: '北京市', price: '39.00', value: '100.00', bought: 2087, category: '2', subcategory: '电影', merchant: '星光影城', address: '朝阳区建国路1号', startsInHours: -3, endsInHours: 70, colour: '#2c3e50' },
  { id: '3174', title: '仅售128元！价值398元的精油SPA全身按摩90分钟', city: '上海', price: '128.00', value: '398.00', bought: 156, category: '6', subcategory: '美容SPA', merchant: '静心SPA会所', address: '静安区南京西路288号', startsInHours: -1, endsInHours: 30, colour: '#8e44ad', pagePrice: '138.00' },
  { id: '3175', title: '35元抢购原价88元的护手霜三支装，全国包邮', city: '全国', price: '35.00', value: '88.00', bought: 1206, category: '4', subcategory: '美妆', merchant: '某某日化旗舰店', address: '上海市某区某路1号', startsInHours: -30, endsInHours: 100, colour: '#16a085' },
  { id: '3176', title: '仅售1280元！价值2680元的三亚5天4晚双人自由行', city: '广州', price: '1,280.00', value: '2680.00', bought: 38, category: '5', subcategory: '旅游', merchant: '南国假期', address: '天河区体育西路9号', startsInHours: -5, endsInHours: 160, colour: '#2980b9' },
];

export const haotuanDeals: SampleDeal[] = [
  { id: 'ht-101', title: '仅售19.9元！价值45元的港式奶茶+菠萝油套餐', city: '深圳', price: '19.90', value: '45.00', bought: 3302, category: '1', subcategory: '甜点饮品', merchant: '港记茶餐厅', address: '福田区华强北路66号', startsInHours: -10, endsInHours: 40, colour: '#d35400' },
  { id: 'ht-102', title: '仅售58元！价值168元的KTV欢唱4小时(周一至周五)', city: '杭州', price: '58.00', value: '168.00', bought: 722, category: '2', subcategory: 'KTV', merchant: '麦霸KTV', address: '西湖区文三路20号', startsInHours: -2, endsInHours: 90, colour: '#27ae60' },
  { id: 'ht-103', title: '仅售99元！价值260元的洗剪吹+护理套餐（镕·喆发型）', city: '北京', price: '99.00', value: '260.00', bought: 91, category: '6', subcategory: '美发', merchant: '镕喆发型工作室', address: '海淀区中关村大街5号', startsInHours: -8, endsInHours: 20, colour: '#7f8c8d', pageNote: '本团购已售罄' },
];

export const harborDeals: SampleDeal[] = [
  { id: '0f6b2c1e-7d3a-4c55-9a1e-2b8f0c4d9e11', title: 'Two-Hour Kayak Tour for One or Two (Up to 45% Off)', city: 'Seattle', price: '3300', value: '6000', bought: -1, category: 'Water Sports', subcategory: '', merchant: 'Harbor Kayak Tours', address: '1 Pier Way, Seattle, WA', startsInHours: -12, endsInHours: 120, colour: '#1abc9c' },
  { id: '6d1e1c52-1a0b-4a43-8e7b-1f2f0a9d3c22', title: 'Sushi Dinner for Two with Sake Flight', city: 'Seattle', price: '4900', value: '9000', bought: 214, category: 'Restaurants', subcategory: '', merchant: 'Umi Sushi Bar', address: '200 Pike St, Seattle, WA', startsInHours: -4, endsInHours: 48, colour: '#e67e22' },
  { id: '9a7c0e3d-5b2f-4d61-a0c4-3e9b8f7a6d33', title: 'One Month of Unlimited Yoga Classes', city: 'Chicago', price: '3900', value: '12000', bought: 57, category: 'Fitness', subcategory: '', merchant: 'Lakeside Yoga Loft', address: '50 W Lake St, Chicago, IL', startsInHours: -30, endsInHours: 200, colour: '#9b59b6' },
];
