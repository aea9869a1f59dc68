// Types for venv.mjs: a cached virtualenv with Python romeways for the interop tests.

/** scripts/python/requirements.txt, the pinned packages the venv holds. */
export declare const REQUIREMENTS: string;

export interface EnsurePythonVenvOptions {
  /** Progress lines (creation timing); default: written to stderr with a "[python]" prefix. */
  log?: (line: string) => void;
}

/**
 * Makes sure the virtualenv exists (created with `python3 -m venv` and pip on first use) and
 * returns the path of its python:
 * `${ROMEWAYS_PYTHON_VENV ?? ~/.cache/romeways/python-venv-<digest>}/bin/python`.
 * The base interpreter is ROMEWAYS_PYTHON or python3, 3.11+.
 */
export declare function ensurePythonVenv(options?: EnsurePythonVenvOptions): Promise<string>;
