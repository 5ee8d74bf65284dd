import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACTIONS } from '../../../src/core/actions.ts';
import type { Run } from '../../../src/core/run/run.ts';
import type { FormSubmit } from '../../../src/ports/forms.ts';
import type { Policy } from '../../../src/ports/policy.ts';
import {
  alice,
  bob,
  close,
  launched,
  restart,
  settle,
  testPolicy,
  type World,
  world,
} from '../../support/hub-world.ts';

/** A sleep run's rerun-with-changes form, as submitted. */
const rerunOf = (run: Run, formId: string, params: Record<string, string> = {}): FormSubmit => ({
  formId,
  context: { template: 'sleep', channel: run.channel, rerunOf: run.id },
  params,
  options: {},
});

describe('forms: opening and submitting (issue 14)', () => {
  let w: World;
  let dir: string;
  const runs = () => w.runtime.submitted.length;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trainyard-forms-'));
    w = await world(dir);
  });
  afterEach(async () => {
    await close(w);
    rmSync(dir, { recursive: true, force: true });
  });

  it('"Rerun with changes" shows the run’s template form with the run, in the card’s channel', async () => {
    const run = await launched(w, 'sleep seconds=7');
    await w.door.action(ACTIONS.rerunForm, run.id, { ...bob, trigger: 't-1' }, 'press-1');
    assert.equal(w.chat.forms.length, 1);
    const { to, form } = w.chat.forms[0];
    assert.equal(to.trigger, 't-1');
    assert.ok(form.kind === 'launch');
    assert.equal(form.template.name, 'sleep');
    assert.equal(form.rerun?.id, run.id);
    assert.equal(form.channel, bob.channel);
    // From the Home tab (no channel) the run goes where the rerun run went.
    await w.door.action(ACTIONS.rerunForm, run.id, { user: 'UBOB', channel: '', home: true, trigger: 't-2' });
    const fromHome = w.chat.forms[1].form;
    assert.equal(fromHome.kind === 'launch' && fromHome.channel, run.channel);
    await w.door.action(ACTIONS.rerunForm, 'r-nosuchrun0', { ...bob, trigger: 't-3' });
    assert.match(w.chat.errors().at(-1) ?? '', /no longer known/);
  });

  it('checks every field as a typed command and launches nothing until all are right', async () => {
    const run = await launched(w, 'sleep seconds=7');
    const before = runs();
    const wrong = await w.door.submitForm(rerunOf(run, 'V1', { seconds: '-1', exit_code: 'x' }), bob);
    assert.ok(!wrong.ok);
    assert.deepEqual(Object.keys(wrong.errors).sort(), ['param:exit_code', 'param:seconds']);
    const badOption = await w.door.submitForm({ ...rerunOf(run, 'V1'), options: { gpu: '9' } }, bob);
    assert.deepEqual(badOption, { ok: false, errors: { 'option:gpu': 'At most 4 GPUs per run.' } });
    assert.equal(runs(), before);

    const good = await w.door.submitForm(rerunOf(run, 'V1', { exit_code: '3' }), bob);
    assert.ok(good.ok && good.run);
    const rerun = good.run;
    assert.equal(rerun.launchedBy, bob.user, 'as the submitter');
    assert.deepEqual(
      rerun.spec.params,
      { seconds: 7, exit_code: 3 },
      'the run’s own values, with the change',
    );
    // By number too, so the card can still name it once the run has left the store's memory.
    assert.deepEqual(rerun.origin, { kind: 'rerun', runId: run.id, runNumber: run.number });
  });

  it('launches a form once: duplicates share the verdict, a later resend and one after a restart close it', async () => {
    const run = await launched(w, 'sleep seconds=7');
    const before = runs();
    const [a, b] = await Promise.all([
      w.door.submitForm(rerunOf(run, 'V2'), bob),
      w.door.submitForm(rerunOf(run, 'V2'), bob),
    ]);
    assert.ok(a.ok && b.ok);
    await settle(() => runs() > before);
    assert.deepEqual(await w.door.submitForm(rerunOf(run, 'V2'), bob), { ok: true });
    w = await restart(w);
    assert.deepEqual(await w.door.submitForm(rerunOf(run, 'V2'), bob), { ok: true });
    assert.equal(
      w.store.listRuns().filter((r) => r.rerunOf === run.id || r.origin?.kind === 'rerun').length,
      1,
    );
  });

  it('a form whose launch the policy refused at the last moment may be submitted again once the reason is gone', async () => {
    await close(w);
    const onePerUser: Policy = {
      ...testPolicy,
      checkLaunch: (_u, _c, spec, going) =>
        going >= 1
          ? 'You already have 1 run going (the limit is 1); stop one or wait.'
          : testPolicy.checkLaunch('', '', spec, 0),
    };
    w = await world(dir, { policy: onePerUser });
    const going = await launched(w, 'sleep seconds=60');
    const form: FormSubmit = {
      formId: 'V3',
      context: { template: 'sleep', channel: 'CML' },
      params: {},
      options: {},
    };
    const refused = await w.door.submitForm(form, alice);
    assert.deepEqual(refused, {
      ok: false,
      errors: { '*': 'You already have 1 run going (the limit is 1); stop one or wait.' },
    });
    await w.hub.runs.stop(going.id);
    w.runtime.report(going.id, { state: 'stopped' });
    await w.hub.runs.whenEnded(going.id);
    const again = await w.door.submitForm(form, alice);
    assert.ok(again.ok && again.run, 'launched once the limit allowed it');
  });

  it('answers a form it did not write, a template or run that is gone, and a missing channel on the form', async () => {
    const base: FormSubmit = { formId: 'V4', params: {}, options: {} };
    const verdicts = await Promise.all([
      w.door.submitForm(base, alice),
      w.door.submitForm({ ...base, formId: 'V4-1', context: { template: 'nope', channel: 'C1' } }, alice),
      w.door.submitForm(
        { ...base, formId: 'V4-2', context: { template: 'sleep', channel: 'C1', rerunOf: 'r-gone000000' } },
        alice,
      ),
      w.door.submitForm({ ...base, formId: 'V4-3', context: { template: 'sleep' } }, alice),
      w.door.submitForm({ ...base, formId: 'V4-4', context: {} }, alice),
      w.door.submitForm(
        { ...base, formId: 'V4-5', context: { template: 'sleep', channel: 'C1' }, pickedTemplate: 'demo' },
        alice,
      ),
    ]);
    assert.deepEqual(
      verdicts.map((v) => (v.ok ? 'ok' : Object.entries(v.errors)[0].join(': '))),
      [
        '*: This form was not opened by this Trainyard (or by an older version of it); close it and open it again.',
        '*: There is no template nope any more; /train templates lists the templates there are.',
        '*: The run this form reruns is no longer known to Trainyard; close the form.',
        'launch:channel: Choose the channel the run is posted in.',
        'launch:template: Choose a template to launch.',
        'launch:template: The form was still switching to demo; look at its fields and submit again.',
      ],
    );
    assert.equal(runs(), 0);
  });

  it('/train new lists only the templates this channel may launch; a template chosen shows its form', async () => {
    await close(w);
    w = await world(dir, {
      policy: { ...testPolicy, mayLaunch: (t, c) => t === 'sleep' || c === undefined },
    });
    await w.door.command('new', { ...alice, trigger: 't-new' });
    const picker = w.chat.forms[0].form;
    assert.ok(picker.kind === 'new');
    assert.deepEqual(
      picker.templates.map((t) => t.name),
      ['sleep'],
    );
    await w.door.action(
      ACTIONS.pickTemplate,
      'sleep',
      { ...alice, form: { id: 'V9', hash: 'h1' } },
      'pick-1',
    );
    const picked = w.chat.forms[1];
    assert.deepEqual(picked.to.form, { id: 'V9', hash: 'h1' });
    assert.ok(picked.form.kind === 'new' && picked.form.chosen?.name === 'sleep');
    // A template this channel may not launch is not chosen, even when sent.
    await w.door.action(ACTIONS.pickTemplate, 'demo', { ...alice, form: { id: 'V9', hash: 'h2' } }, 'pick-2');
    assert.ok(w.chat.forms[2].form.kind === 'new' && w.chat.forms[2].form.chosen === undefined);
  });
});
