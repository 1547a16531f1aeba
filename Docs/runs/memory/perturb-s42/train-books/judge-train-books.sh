#!/usr/bin/env bash
# judge-train-books.sh NAME MODEL: qa3 at 16 segments, 200 documents, on the training books
# (fiction + reference, the prose every phase trained on; other documents than training drew:
# seed 1) — judge.sh's qa3-16-200 set with only the noise changed (10% adversarial, one thread).
# Does a fine-tune's change gain on the prose it trained on while it loses on other prose?
here=$(cd "$(dirname "$0")" && pwd)
SPLIT=train OUT_DIR=$here exec "$here/../../phase42-s40/in-genre/judge-in-genre.sh" "$@"
