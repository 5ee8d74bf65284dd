// The package ships no types; this is the one function the tests use.
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusText(text: string): unknown[];
}
