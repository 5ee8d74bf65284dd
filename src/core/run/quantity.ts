/**
 * A Kubernetes resource quantity as the API server accepts it: `2`, `0.5`, `500m`, `4Gi`, `1e3`.
 * One rule for templates (`resources:`) and launch options (`--cpu`, `--memory`), so what one
 * accepts the other does too.
 */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;

export const isQuantity = (text: string): boolean => QUANTITY.test(text);
