// The content security policy every page passes: scripts and styles only from our own files
// (nothing inline), partner pictures from anywhere over http(s) but only as <img>, no framing.
// Pictures need no more than that: no `data:` (the icon is a file), and feeds' pictures on
// loopback or private addresses are dropped when crawled (crawlers/normalize/image-url.ts).
export const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'https:', 'http:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};
