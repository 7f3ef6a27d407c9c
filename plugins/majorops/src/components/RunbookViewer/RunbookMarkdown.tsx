import { MarkdownContent } from '@backstage/core-components';

const SAFE_PROTOCOLS = ['http:', 'https:', 'mailto:', 'tel:'];

/**
 * The URL of a link or image when it is safe to follow: http(s), mailto, tel,
 * or relative; '' otherwise (a link then renders as its text only).
 */
export function safeUri(uri: string | null | undefined): string {
  const value = (uri ?? '').trim();
  // A scheme is letters, digits, "+", "-", "." before the first ":" and before any "/", "?" or "#".
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value);
  if (!scheme) return value;
  return SAFE_PROTOCOLS.includes(`${scheme[1].toLocaleLowerCase('en-US')}:`) ? value : '';
}

/**
 * A runbook body rendered as markdown, safely. The CommonMark dialect of
 * MarkdownContent shows raw HTML as text instead of rendering it (the GFM
 * dialect parses it with rehype-raw and keeps sanitized elements such as
 * `<img>`), and link and image URLs other than http(s), mailto, tel or
 * relative are dropped (Backstage's Link would throw on `javascript:`).
 * Task lists show as "[ ]" text.
 */
export function RunbookMarkdown(props: { content: string }) {
  return (
    <MarkdownContent content={props.content} dialect="common-mark" transformLinkUri={safeUri} transformImageUri={safeUri} />
  );
}
