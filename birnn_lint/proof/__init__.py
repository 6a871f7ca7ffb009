"""Runtime proofs of the rules on real torch layers: `birnn-lint prove`, `birnn-lint rule
CODE --run` and the test suite's `tests/runtime/` run this code.

The only part of birnn-lint that imports torch (an optional dependency:
`pip install "birnn-lint[prove]"`). `command` imports click alone and loads the rest
once torch is known to import, so registering the commands costs nothing.

- `spec_examples`: a rule page's examples, fix safety and `## Proof` block
- `variants`: an example rewritten for one configuration (libcst)
- `truths`: the ground truth, from single-layer, single-direction modules
- `device`: CPU / CUDA / MPS placement and the tolerances that fit each
- `execution`: running an example and comparing it with a truth
- `matrix`: a rule's proof over every configuration
- `demo`, `demo_text`: one rule's example shown on real numbers (`rule CODE --run`)
- `report`: the `prove` table and JSON
"""
