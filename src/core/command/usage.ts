import type { Verb } from './command.ts';

/** How one verb is written and what it does; the help views of console and Slack render this list. */
export type VerbUsage = { verb: Verb; usage: string; description: string };

/** Every verb of the `/train` language, in the order help shows them. */
export const USAGE: readonly VerbUsage[] = [
  {
    verb: 'launch',
    usage: '/train <template> [name=value ...] [--option value ...]',
    description: 'Start a run of a template with these params (also written /train model=<template> ...).',
  },
  {
    verb: 'new',
    usage: '/train new',
    description: 'Open a form to choose a template and fill in its params (Slack).',
  },
  { verb: 'help', usage: '/train help', description: 'Show this list of commands.' },
  { verb: 'templates', usage: '/train templates', description: 'List the templates and their params.' },
  { verb: 'list', usage: '/train list', description: 'List recent runs and their states.' },
  {
    verb: 'status',
    usage: '/train status <run>',
    description: 'Show the card of a run (42, #42 or its id).',
  },
  { verb: 'logs', usage: '/train logs <run>', description: 'Show the latest log lines of a run.' },
  {
    verb: 'chart',
    usage: '/train chart <run>',
    description: 'Draw a chart of the metrics a run reported (it needs at least 3 points).',
  },
  { verb: 'stop', usage: '/train stop <run>', description: 'Stop a run that is still going.' },
  {
    verb: 'rerun',
    usage: '/train rerun <run> [name=value ...]',
    description: 'Start a run again with the same params, changing the ones given.',
  },
  {
    verb: 'schedule',
    usage:
      '/train schedule "<cron>" <template> [name=value ...] [--name N] [--tz Zone] [--policy forbid|allow|replace]',
    description: 'Launch a template on a cron schedule in this channel.',
  },
  {
    verb: 'schedules',
    usage: '/train schedules',
    description: 'List the schedules and their next fire times.',
  },
  { verb: 'unschedule', usage: '/train unschedule <name>', description: 'Delete a schedule.' },
  { verb: 'pause', usage: '/train pause <name>', description: 'Pause a schedule without deleting it.' },
  { verb: 'resume', usage: '/train resume <name>', description: 'Resume a paused schedule.' },
  {
    verb: 'lineage',
    usage: '/train lineage <run>',
    description: 'Show which runs, data, code and image a run came from, up to its roots.',
  },
  {
    verb: 'sweep',
    usage:
      '/train sweep <template> [name=value | name=<space> ...] [--algo grid|random|tpe] [--trials N] [--parallel P] [--metric M] [--goal min|max] [--early-stop none|median|asha] [--seed S]',
    description:
      'Run many trials of a template over search spaces ([a,b,c], range(start,stop,step), uniform(lo,hi), loguniform(lo,hi), randint(lo,hi)) and report the best.',
  },
  { verb: 'sweeps', usage: '/train sweeps', description: 'List the sweeps and their best trials so far.' },
];
