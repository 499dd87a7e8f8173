// Failures of the money side, coded like the web's errors so a route can answer them as they are.
export class RevenueError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
  }
}
