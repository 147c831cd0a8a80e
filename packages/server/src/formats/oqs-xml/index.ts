/** OQS XML: the wire format of オンライン資格確認, tag for tag (oqs-interface.md §2–§6). */
export * from './xml.js';
export * from './messages.js';
export { escapeXml } from './codec.js';
