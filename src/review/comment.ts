/**
 * The pull-request comment review's markdown is posted as, and the CI workflows that post it
 * (templates/review/, templates/generate/) keep up to date: its hidden first line, and GitHub's limit.
 */

/** Hidden first line of the comment; the workflow finds its own comment by it and updates it. */
export const COMMENT_MARKER = '<!-- keyshare-review -->';

/** GitHub refuses a comment body over 65,536 characters. */
export const COMMENT_LIMIT = 65536;
