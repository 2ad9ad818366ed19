/**
 * The values steps pass to each other: JSON, and a step's output (its artifact, its value, its children's).
 * @module
 */

/** JSON values: what steps pass to each other, and what keys are computed from. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What a step hands to the steps that depend on it. */
export interface StepOutput {
  /** The step's content key. */
  key: string;
  /** The artifact file, or null for a step that only returns a value. */
  path: string | null;
  /** The step's value (durations, sizes, a custom step's return value). */
  value: Json;
  /** Outputs of the child steps it added at run time, in the order it added them. */
  children: StepOutput[];
}
