// The types `pogogen init` takes and gives: the tree's files in, the description, guesses and to-do list out.

export interface TreeFile {
  /** Root-relative, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export interface InitResult {
  readonly description: string;
  /** One line per guess: what and why. */
  readonly guesses: readonly string[];
  /** What init could not decide: for the user to check or finish. */
  readonly todo: readonly string[];
}
