/**
 * Schedule names end up in Kubernetes labels (`trainyard.io/schedule`), so they follow the
 * label-value rules: up to 63 letters, digits, `-`, `_`, `.`, starting and ending alphanumeric.
 */
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/** One sentence if the name cannot be used, else undefined. */
export function checkScheduleName(name: string): string | undefined {
  if (NAME.test(name)) return undefined;
  return `"${name}" cannot name a schedule; use up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.`;
}

/** `<template>-<n>` with the smallest n not taken, e.g. `resnet-1`. */
export function defaultScheduleName(template: string, taken: ReadonlySet<string>): string {
  const base = template.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 56) || 'schedule';
  for (let n = 1; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
