// Every spec group the extension-host run registers, in order.
import { activationSpecs } from './activation.spec';
import { attachSpecs } from './attach.spec';

export const SPECS: Array<() => void> = [activationSpecs, attachSpecs];
