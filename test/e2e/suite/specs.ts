// Every spec group the extension-host run registers, in order.
import { activationSpecs } from './activation.spec';
import { attachSpecs } from './attach.spec';
import { diagnosticsSpecs } from './diagnostics.spec';
import { runtimeSpecs } from './runtime.spec';
import { settingsSpecs } from './settings.spec';

export const SPECS: Array<() => void> = [activationSpecs, attachSpecs, runtimeSpecs, diagnosticsSpecs, settingsSpecs];
