"""The JavaScript and TypeScript front end: the same migration as the Python pass, from
the same rules data, read with tree-sitter and applied as exact byte-span edits."""
