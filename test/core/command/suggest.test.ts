import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, suggest, unknownTemplateError } from '../../../src/core/command/suggest.ts';

describe('didYouMean', () => {
  it('suggests a name that differs only in case (templates are lowercase)', () => {
    assert.equal(didYouMean('DEMO', ['demo', 'resnet']), ' Did you mean "demo"?');
    assert.equal(didYouMean('Epochs', ['epochs', 'lr']), ' Did you mean "epochs"?');
  });

  it('says nothing for an exact name or one too far from every candidate', () => {
    assert.equal(didYouMean('demo', ['demo']), '');
    assert.equal(didYouMean('transformer', ['demo', 'sleep']), '');
  });

  it('takes near misses and transpositions', () => {
    assert.equal(suggest('sttaus', ['status', 'stop']), 'status');
    assert.equal(suggest('stpo', ['status', 'stop']), 'stop');
  });
});

describe('unknownTemplateError', () => {
  it('suggests a template or a verb and lists the templates', () => {
    assert.equal(
      unknownTemplateError('DEMO', ['sleep', 'demo'], ['list', 'status']),
      'Unknown template or command "DEMO". Did you mean "demo"? Templates: demo, sleep.',
    );
    assert.equal(
      unknownTemplateError('lsit', ['demo'], ['list', 'status']),
      'Unknown template or command "lsit". Did you mean "list"? Templates: demo.',
    );
    assert.equal(
      unknownTemplateError('x', [], ['list']),
      'Unknown template or command "x". There are no templates yet.',
    );
  });
});
