// Rule tables by compiler family.
import { clang } from './clang.ts';
import { gcc } from './gcc.ts';
import type { RuleTable } from './types.ts';

export type { RuleTable, TemplateElement } from './types.ts';
export const ruleTables: Readonly<Record<'gcc' | 'clang', RuleTable>> = { gcc, clang };

/** Compiler launchers that send compiles to other machines: their compiles wait on the network, not on local cores. */
export const remoteLaunchers: readonly string[] = ['distcc', 'icecc', 'pump'];
