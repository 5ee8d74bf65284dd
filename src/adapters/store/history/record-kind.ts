/**
 * What the history machinery needs to know about one kind of record (runs, sweeps, pipelines):
 * how to name, number, own, encode and decode it, and when it is finished for good. Everything else (the live set, segments, index, retention) is the same for every kind.
 */
export interface RecordKind<T> {
  /** Names its segment files: `history/<name>-000042.jsonl`. Lowercase letters and dashes. */
  readonly name: string;
  id(record: T): string;
  /** The short number people use (`#42`): unique within the kind, and a record's for life. */
  number(record: T): number;
  /** Whose record it is (runs: the launcher), for "my latest" queries; undefined for nobody's. */
  owner(record: T): string | undefined;
  /** Nothing more will happen to it, so it may leave the live document for a history segment. */
  settled(record: T): boolean;
  /** The record as one line of JSON (no raw newline can occur in JSON text). */
  encode(record: T): string;
  /** A record from a parsed line, or a sentence saying what is wrong with it. */
  decode(value: unknown): { record: T } | { error: string };
}

/** Test hooks: named moments of a write, so a test can kill the process exactly there. */
export type HistoryPoint =
  | 'segment-appended'
  | 'segment-sealed'
  | 'live-written'
  | 'segment-dropped'
  | 'sidecar-dropped';

/** `kind` names the record kind whose history reached the point (none for the live file). */
export type PointHook = (point: HistoryPoint, kind?: string) => void;
