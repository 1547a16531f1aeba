#!/usr/bin/env bash
# train-memory.sh — the question-aware memory model (issue 12), resumable: MiniLM + every-segment.
#
# Backbone: all-MiniLM-L6-v2 (pretrained, 6 layers × 384; Scripts/fetch-minilm.sh), wrapped with
# 10 memory tokens and the seven labels (six rooms + unknown). Question layout every-segment
# (Docs/question-layout.md): the question opens every segment, so the memory only carries what
# it asks for. Why this backbone and layout: Docs/results.md, "Memory that answers the question".
#
# Phase 1: memorize, detect, the distractor tasks, unknown and qa1 on 128-token data segments
#          (a cheap warm-up), curriculum 1 → 3 segments. (The original run asked for 4; stage 4
#          diverged — gradient norm ~50 — and was stopped at step 449; its stage-3 model, 98.3% at
#          3 segments, step 300, is what phase 2 starts from. --max-segments 3 stops right there.)
# Phase 2: from phase 1, the full 499-token segments, adding qa2, qa3 and reasoning, one
#          segment. The original run asked for 1 → 7; in 500 steps qa2/qa3/reasoning stayed at
#          0.2–0.4 while every other task held (best 0.733 at step 200), so it was stopped and the
#          hard tasks were split off. --max-segments 1 --max-steps-per-stage 500 ends right there.
# Phase 3: from phase 2's one-segment model, the six tasks phase 1 learned, full segments,
#          curriculum 2 → 7, keeping the optimizer state, lr 3e-5 (phase 1's stage 4 diverged at
#          lr 1e-4 with the optimizer reset).
# Phase 4: from phase 3's 7-segment model, qa2, qa3 and reasoning as their own warm-up on
#          320-token data segments, one segment (cheaper steps, less noise around the facts;
#          128 is too short: a qa3 story reaches ~250 tokens, and the trainer refuses facts that
#          do not fit), each named twice so they are half of the episodes, with phase 3's six tasks
#          mixed in so that they are not forgotten; thousands of steps (the session-3 runs
#          needed ~3,000 steps for reasoning to reach 0.79 at 64 tokens). Then back into the
#          curriculum on full segments (phase 5, once this converges).
#          (As run: stopped by hand at step 2,425 after five evaluations without improvement
#          on its best, 0.875 at step 1,250; on held-out technical writing the step-1,250 and
#          step-2,250 models score the same, qa2 0.60/0.62 and qa3 0.30/0.27. The script now stops
#          it at step 2,000 (--max-steps-per-stage; the original run found nothing better after
#          1,250), which saves ~40 minutes of a rerun. Rerun so in session 11, from Models/default:
#          best 87.1% at step 2,000; held out qa2 0.71, qa3 0.59, reasoning 0.93.)
# Phase 5: from phase 4's best model, the curriculum 1 → 7 on full 499-token segments with eight
#          tasks: qa2 once, reasoning twice, phase 3's six. qa3 is left out: after phase 4 it
#          measured 0.27–0.30 on held-out prose, so in the mixture it would have spent a sixth
#          of every batch on noise. (That measurement had a bug — eval put the question at the end
#          of documents made with --data-segment-length; corrected, phase 4's model answers qa3
#          0.65 — found in session 9, after this phase had started.) Stage target 0.9 (phase
#          4's one-segment level with qa2 at ~0.6 and everything else near 1.0), so a stage
#          advances once the longer documents read as well as one segment did; otherwise after 4
#          evaluations without improvement or 600 steps. Optimizer state kept, lr 3e-5.
#          (As run: stages 1–4 advanced at their first evaluation — 0.904, 0.913, 0.904 (after
#          0.888), 0.900 — and stage 5 stood at 0.892 at step 600 with qa2 at 0.48 and every other
#          task at 0.82–1.00; a target missed by one validation document's worth of noise, held back
#          by qa2 alone, with up to 600 steps of ~30 s each to go. So the run was stopped there and
#          phase 5b took over. This script's phase 5 therefore stops after stage 5 (--max-segments 5;
#          the original command had 7): a rerun ends stage 5 by its own rule — 0.9, 4 evaluations
#          without improvement or 600 steps — so its stage-5 model is close to, not the same as, the
#          one phase 5b started from.)
# Phase 5b: from phase 5's stage-5 model (stages/5), 6 → 7 segments, stage target 0.88 (what
#          that model already scores at 5 segments), patience 3, at most 400 steps per stage,
#          optimizer state fresh (a new run), lr 3e-5 with 20 warm-up steps.
#          (As run: 87.9% at 6 segments at steps 100 and 200 — memory tasks 1.00, qa1 0.96,
#          reasoning 0.79–0.83, qa2 0.30–0.33. Then the machine was replaced between sessions 9 and
#          10 and the run folders of phases 4–5b, kept outside the repository, went with it: no
#          model of phases 4–5b exists now. A rerun of this script makes them again, ~15 CPU-hours
#          here. The next curriculum over these tasks should judge stages by the memory tasks,
#          `--advance-on memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1`, so
#          that qa2 trains without holding stages back.)
# Phase 6: from phase 4's best model, the hard tasks across segment boundaries, cheaply: 128-token
#          data segments, curriculum 2 → 6 segments, qa2 three times, qa3 and reasoning twice and
#          the six memory tasks once each (7 of 13 episodes are the hard tasks). Why: qa2 fell as
#          segments were added in phases 5 and 5b (0.65 at 1 segment, 0.48 at 5, 0.33 at 6) —
#          the memory must keep "the milk is with John" and update it when John moves in a later
#          segment — and phase 4 saw only ~1,700 qa2 stories (bAbI trains on 10k). Short segments
#          make every story cross boundaries at ~1/3 of a full segment's cost per step.
#          (Sessions 11–12: best 81.7% at 2 segments, 80.4% at 3, 80.4% at 4 (step 1,800); held
#          out, its stage-4 model reads qa2/qa3/reasoning 0.68/0.62/0.89 at 4 segments where phase
#          4's reads 0.18/0.16/0.23. Stopped at step 1,805, entering stage 5; resumes from there.)
# Phase 7: from phase 6's model, the curriculum 1 → 7 on full 499-token segments with all nine
#          tasks (qa2 and reasoning twice), stages judged by the six memory tasks only
#          (`--advance-on`), so that the hard tasks keep training at every length without holding
#          stages back, as qa2 did in phases 5 and 5b (the branch 6–7 replaces; PHASES="… 5"
#          still runs it).
#          (As run, sessions 13–16: from phase 6's stage-4 model rounded to float16,
#          PHASE7_FROM=kept-runs/phase6-stage4-f16; every stage advanced at its first or second
#          evaluation, done at step 1,000 (stages ended at steps 300, 400, 600, 700, 800, 900,
#          1,000). At 7 segments the memory tasks and unknown 1.00, reasoning 0.95, qa3 0.58,
#          qa2 0.33 — qa2 fell from 0.83 at 1 segment as segments were added.)
# Phase 9: qa2 practice at full sparsity. From phase 7's model (PHASE9_FROM=DIR: another), full
#          499-token segments, curriculum 1 → 4, qa2 seven times in 17 episodes (qa3 and reasoning
#          twice, the six memory tasks once each so they are not forgotten), stages judged by qa2
#          alone (`--advance-on babi-qa2`): target 0.9, else after 3 evaluations without
#          improvement or 600 steps. Why (Docs/results.md, "Session 14"): a probe trained on qa2
#          alone at one 192-token segment reached 0.93 held out there but gained nothing on full
#          segments, while one trained at full length climbed 0.72 → 0.81 in 200 steps; phase 7
#          judges its stages by the memory tasks and so gives qa2 only ~150 stories per stage.
#          (Session 15: started from phase 7's stage-4 model, PHASE9_FROM=kept-runs/phase7-stage4,
#          while phase 7 ran stages 5–7; stage 1 spent its 600 steps, best qa2 0.807 at one
#          segment; held out its model gained inside one segment and lost across segments,
#          Docs/results.md "Session 15". Resumes from its checkpoint in stage 2.)
# Phase 10: phase 9 with memory probes (`--probe-rate 0.3`, Docs/training.md): 30% of the training
#          documents ask, in their final segment, where another person of the story is. From phase
#          9's stage-1 model (PHASE10_FROM=DIR: another), phase 9's tasks, seed and flags, from 2
#          segments (a one-segment probe asks about the segment it reads, not about the memory).
#          An A/B against phase 9's stages 2–4: same start, same validation documents, only the
#          probes differ. Why: held out, phase 9's qa2 is right about half the time when the
#          holder's room was said in an earlier segment than the pickup (Docs/results.md,
#          "Session 15"), a room the memory had to keep before the question named its person.
#          (Session 16: started from /work/runs/memory/phase9/stages/1, kept as the float16 copy
#          kept-runs/phase9-run/stages/1; stopped at step 306 in stage 1 (2 segments), validation
#          qa2 0.736 / 0.679 / 0.771 at steps 100–300, phase 9 0.764 / 0.779 / 0.771. Session 17: the
#          stage ended on its 600-step budget, best qa2 0.771 (step 300; phase 9's stage 2: 0.821);
#          held out at step 400 the memory kept more (probes) but qa2 did not gain, Docs/results.md
#          "Session 17"; stopped at step 603, in stage 2; resumes.)
# Phase 11: phase 7's model polished for `unknown`, the one shared task where it trailed the
#          default held out (196 of 200 against 200 of 200, Docs/results.md: three questions about
#          an object the story never moves, one about a person it never names). From phase 7's
#          model (PHASE11_FROM=DIR: another), 7 segments only, phase 7's tasks with unknown three
#          times in 13 episodes (9% → 23%), a new data seed, lr 1e-5 with 10 warm-up steps, judged
#          by the six memory tasks at target 1.0 on 390 validation documents: at most 200 steps,
#          stopping at the first evaluation (every 100) that is perfect.
#          (As run, session 17: from kept-runs/phase7-stage7, phase 7's model in fp32; step 100 was
#          perfect — the memory tasks, unknown and qa1 1.00 at 7 segments; qa2 0.52, qa3 0.74,
#          reasoning 0.91 — so it stopped there. Its float16 export is Models/default.)
# Phase 12: the associative memory's first run (Docs/associative-memory.md): Models/default
#          (PHASE12_FROM=DIR: another) given an associative memory (`--associative 64`: ARMT's key
#          size, ν 3, ε 1e-5; value projection 0, so it starts answering as the default does), then
#          phase 9's qa2-weighted mixture from 2 segments to 4, judged by qa2, lr 5e-5.
# Phase 13: its control — phase 12 exactly (same start, seed, data and flags) without
#          --associative. The A/B reads qa2 held out by Scripts/qa2-errors.py: what changes is the
#          cross-segment rows (0.58 for the default at 4 segments).
#          (As run, sessions 18–19: phase 12 stopped at step 301: its value projections had moved
#          to rms 0.0004 in 238 steps (the others' 0.02) — at 5e-5 the new memory barely trains,
#          so the A/B could not tell. Phase 14 replaced it.)
# Phase 14: phase 12 with the memory at its own learning rate (`--associative-lr 1e-3`, 20× the
#          backbone's 5e-5; AdamW per-tensor factors, Docs/training.md); the control stays phase 13.
#          (As run, session 19: stopped at step 305, the control at 524, both in stage 1 (2 segments);
#          held out at steps 200 and 300 the memory equals the control at 2 segments and is worse at
#          4 (0.54 against 0.685, p = 0.0001): Docs/associative-memory.md. Both resume.)
# Phase 15: phase 14 with the memory written by every row (`--associative-write all`: the memory
#          rows, [SEP] and each text row write after every layer, so a fact is stored when it is
#          read, before the question makes it relevant; Docs/associative-memory.md). The same start,
#          seed, data and rates; the control stays phase 13. Not in the default PHASES.
#          (As run, session 20: stopped at step 206 in stage 1; phase 14 at step 733 and the control
#          at 605, both in stage 2 (3 segments); held out at step 600 the memory equals the control at
#          2 segments and trails at 4 and 7 (Docs/associative-memory.md). All three resume.
#          Session 21: phase 15 resumed to step 603 (end of its 2-segment stage; validation qa2 0.73 / 0.76 / 0.75 at steps 400–600); phase 14 stopped at step 748; the
#          control stayed at 605. Held out on memory-only documents phase 15 ≈ the control over
#          steps 200–500, Docs/associative-memory.md.)
# Phase 16: the control (phase 13) with qa2's supporting facts placed apart in half the training
#          documents that would hold both in one segment (`--cross-segment-rate 0.5`,
#          Docs/training.md): the same start, seed, episodes and flags, so more of qa2's training
#          signal goes to answers that need the memory (at 2 segments ~35% of qa2 documents → ~67%).
#          Held out: `rmt-train eval --cross-segment` and Scripts/qa2-errors.py against phase 13.
#          Not in the default PHASES.
#          (As run, session 21, with the first split placement — the boundary's fact drawn uniformly
#          between the supporting facts, before commit 3f72ee4 weighted it like the uniform placement
#          — so its run folder is kept as phase16-unweighted (stopped at step 363; resume it only with
#          a binary from before 3f72ee4). Steps 200 and 300: memory-only qa2 0.62 / 0.66 against the
#          control's 0.535 / 0.53 at 2 segments, but plain qa2 at 4 segments 0.595 / 0.63 against
#          0.685 / 0.65: Docs/results.md, "Session 21". This line, with the weighted split, was
#          started at the end of session 21 into phase16 and resumes from there. Session 22: stopped
#          at step 410; memory-only 0.64 / 0.65 / 0.69 at steps 200–400 against the control's 0.53,
#          plain level at 2 segments, below at 4: Docs/results.md, "Session 22".)
# Phase 17: phase 16 at a quarter (`--cross-segment-rate 0.25`: ~35% → ~50% of qa2 training
#          answers need the memory at 2 segments), to keep most answers readable in one segment —
#          phase 16 (rate 0.5, first split) lost same-segment answers. Same start, seed and control.
#          Not in the default PHASES. (As run, session 22: stopped at step 317; memory-only 0.57 / 0.61
#          at steps 200 / 300, plain level with the control at step 300.)
# Phase 18: phase 16 read at 4 segments from its first step (`--start-segments 4 --max-segments 7`):
#          at 2 segments the memory is updated once, and phases 13–17 trained there gain nothing on
#          memory-only documents read at 4 (Docs/results.md, "Session 22"); here every training
#          answer that needs the memory needs it across 1–3 updates. Same start, seed, mixture and
#          rate as phase 16. Not in the default PHASES.
#          (As run, session 22: stopped at step 147; at step 100 level with its control on
#          memory-only documents, below it on plain ones: Docs/results.md, "Session 22".
#          Session 23: the run folders were lost with the machine; restarted from Models/default on
#          an AMD Zen 5, step 100 reproduced session 22's (validation and held-out answers). Stage 1
#          (4 segments) ran its 600 steps; stopped at step 606, entering stage 2 (5 segments); held
#          out at steps 100–600: Docs/results.md, "Session 23".)
# Phase 19: its control — phase 18 without --cross-segment-rate. Not in the default PHASES.
#          (As run, session 22: stopped at step 132. Session 23: restarted like phase 18, stopped
#          at step 605, entering stage 2.)
# Phase 21: phase 19 with a decoy question in half of the training documents
#          (`--decoy-question-rate 0.5`, Docs/training.md): the segments before the last read the
#          question with one task word replaced, the last the real one. Phase 20's [MASK]s mark a
#          hidden document from its first segment, so the memory can learn a mode of its own for
#          them (held out, phase 20 answers hidden-question qa2 far better than phase 19 but not
#          memory-only qa2 with the question in view; Docs/results.md, "Session 24"); a decoy looks
#          like any other document until its end. Same start, seed, mixture and curriculum as
#          phases 19 and 20. Not in the default PHASES.
#          (As run, session 24: stopped at step 103 to give the CPU to phase 20, resumed to step 202;
#          at steps 100 and 200 hidden and decoy qa2 as phase 20's, memory-only not above phase 19,
#          validation `unknown` 0.18 / 0.09.)
# Phase 20: phase 19 with the question hidden from every segment but the last in half of the
#          training documents (`--hidden-question-rate 0.5`, Docs/training.md): held out, the
#          default answers memorize-distract `unknown` on 16 of 16 documents of 4 segments when
#          only the final segment reads the question — its memory keeps only what the question
#          names, which is why a holder's room said before the pickup is lost (Docs/results.md,
#          "Session 24"). Here the memory must carry whatever the final question may ask. Same
#          start, seed, mixture and curriculum as phase 19, whose committed held-out answers at
#          steps 100–600 are its control. Not in the default PHASES.
#          (As run, session 24: stage 1 ended at step 500 (patience); stopped at step 506, in stage 2
#          (5 segments). Held out: hidden-question qa2 0.62–0.655 against phase 19's 0.35–0.42,
#          memory-only and plain qa2 not above phase 19, validation `unknown` 0.59–0.77 against
#          0.955: Docs/results.md, "Session 24". The same run in bf16 (--precision bf16) to step 103.)
# Phase 22: phase 19 with twice the memory (`--memory-tokens 20`: the ten trained rows kept, ten
#          new rows copied from them plus noise, Docs/training.md; a segment then holds 489 text
#          tokens, MiniLM's 512 positions). The failing qa2 answers compose a holder's move in one
#          segment with a pickup in a later one (Docs/results.md, "Session 24"): the memory must
#          carry every person's room and every object's holder (4 people, 3 objects) while the
#          question names only one object — more slots than facts. Same start, seed, mixture and
#          curriculum as phase 19; held out on phase 19's own documents (Scripts/qa2-ab.sh with
#          READ=489: documents made for 499-token segments, read with 489). Not in the default PHASES.
#          (As run, session 25: stopped at step 406, stage 1. Held out, steps 100–400: memory-only
#          qa2 0.56–0.58 against phase 19's 0.50–0.56, plain 0.645–0.685 against 0.66–0.72, no
#          difference with p < 0.05; not a lever at this budget: Docs/results.md, "Session 25".)
# Phase 23: room-neighbour noise (`--neighbour-rate 0.1`: runs of 4–12 sentences dense in words
#          near the rooms — corridor, stove, towel, lawn, desk — and no task word; Docs/noise.md).
#          Models/default turns `unknown` into `hallway` after held-out API prose dense in "path",
#          "entry", "directory" (7 of 140 at 64 segments; 0 of 140 with those three words swapped
#          for string/argument/value: Docs/results.md, "Session 28"), and its three 2048-segment
#          misses turned the same way. From Models/default (PHASE23_FROM=DIR: another), phase 11's
#          mixture at 7 segments, a new seed, lr 1e-5, exactly 200 steps (one evaluation, at the
#          end), bf16. Phase 24 is its control: the same without --neighbour-rate. Judged held out:
#          the 64-segment dense-noise test (Docs/runs/memory/noise-path-s28/) and the default's
#          technical-writing documents. Not in the default PHASES.
#          (As run, session 28: the dense test 135/140 for phase 23, 124/140 for phase 24, the
#          default 133/140: Docs/results.md, "Session 28".)
# Phase 25: phase 23 at three times the dose (`--neighbour-rate 0.3`). Not in the default PHASES.
#          (As run, session 28: the dense test 121/140 — below its control; no dose response, so
#          room-neighbour runs are not a lever as built: Docs/results.md, "Session 28".)
# Phase 26: many memory updates, cheaply. At 64 segments the default answers qa2 0.35 and qa3 0.37
#          (its 150-document ledger) where it answers 0.58 / 0.55 at 16 and ~0.6 at 7: a story spread
#          over tens of segments needs one memory update per fact, and every run so far trained at
#          most 7. From Models/default (PHASE26_FROM=DIR: another), phase 12's qa2-heavy mixture on
#          short 128-token data segments at 8 → 16 segments (a 16-segment document costs about
#          what 4 full segments do), stages judged by the six memory tasks (so the curriculum moves
#          on while they hold), ≤ 150 steps per stage, bf16. Judged held out at 64 full segments
#          against the default on the same documents (the ledger's qa2, qa3), and at 16 segments on
#          the memory tasks (that short segments did not cost full-length reading). Not in the
#          default PHASES.
#          (As run, session 30: stopped at step 382, 13 segments. Held out at 64 full segments, 96 qa2
#          documents: 0.292 at steps 250 and 382 against the default's 0.333, p = 0.56 — not a lever:
#          Docs/results.md, "Session 30"; the 16-segment check of the memory tasks was not run.)
# Phase 8: phase 6 again with --prefix-loss (Docs/training.md): the same model to start from, the
#          same seed, data and flags, but every segment is scored against the answer of the
#          document read so far (unknown before the fact; qa2's room as it stands then). An A/B
#          against phase 6's metrics — the same documents, only the loss differs. Not in the
#          default PHASES; PHASE7_FROM=DIR points phase 7 at its model if it wins.
#          (As run, session 12: stopped at step 1,200, the end of stage 3 — best 80.0% at 2 and at 3
#          segments against phase 6's 81.7% / 80.4%; held out, qa2 0.60 / 0.64 against 0.64 / 0.65:
#          no measurable gain, Docs/results.md. Phase 6 was stopped at step 1,805, entering stage 5,
#          to make room; both resume from their checkpoints.)
# Phase 27: phase 26 with the state loss (`--state-loss 1 --state-lr 1e-3`, Docs/training.md): a
#          readout with one learned query per person and object reads the memory leaving every
#          segment and is scored against where each of them is after the facts read so far. The
#          diagnosis of session 30 (Docs/runs/memory/qa2-long-s30/) found the memory keeps what the
#          question names and never who is where (a person's room from an earlier segment placed at
#          chance); this asks the memory for exactly that. Same start, seed, mixture and curriculum
#          as phase 26, whose held-out qa2 at 64 segments is its control. Not in the default PHASES.
#          (As run, session 31: first at weight 1 — stopped at step 48: the answer loss rose above
#          phase 26's on the same batches (4.3 against 0.39 at step 45, gradient norm 673), the state
#          objective steering the backbone; restarted at weight 0.2, stopped at step 120: its readout
#          then pooled the slots by attention and stayed at the label prior for every entity; started
#          again with the linear probe per entity, the readout StateReadout.swift now has.)
# Phase 28: a probe, not a model — phase 27's readout trained on `Models/default`'s memory with the
#          backbone held still (`--lr 1e-9`, the readout at 1e-3): its validation state accuracy is
#          what a readout can find in the default's memory, the baseline for phase 27's.
# Phase 29: the probe first, then the memory. From probe 28's fitted model (PHASE29_FROM=DIR: another;
#          default $OUT/phase28/stages/13, its last stage), phase 26's flags with the state loss at
#          weight 1: the readout already reads what the default's memory holds, so the state
#          gradient reaching the backbone says what is missing rather than what a random probe
#          guesses (weight 1 from a fresh readout, phase 27's first try, raised the answer loss
#          tenfold). Judged by validation `eval_state_placed` / `eval_state_carried` against probe
#          28's, and held out as phase 27. Not in the default PHASES.
# Phase 30: can the memory learn to hold who is where at all, cheaply? Phase 29's start and weight
#          on phase 26's 128-token data segments from 2 segments (to at most 6, ≤ 400 steps a stage), backbone
#          lr 5e-5, readout 3e-3: a step costs a fraction of phase 29's, so the same hour gives
#          several times the updates of the mechanism — writing every person's place into the
#          memory and carrying it — which does not depend on the length. Judged by validation
#          `eval_state_carried` (the default's probe: 0.05–0.07). Not in the default PHASES.
# Phase 31: phase 30 at weight 5 — a diagnostic, not a model: can the memory become linearly
#          decodable for every person and object at all when the state loss dominates (answers may
#          suffer)? If not, the linear readout over the flattened memory is what stops it (a place
#          held in whichever slot is not linearly decodable), and the readout must attend.
#          Not in the default PHASES.
# Phase 32: phase 30 with a two-layer readout (`--state-hidden 512`, GELU): a place the memory
#          holds in whichever slot, or bound to a name, need not be linearly decodable, and a
#          linear target may be what phases 27–31 could not reach. From Models/default (a model with
#          a linear readout keeps it), a fresh readout. Judged against phase 30 by
#          `eval_state_placed` / `eval_state_carried`. Not in the default PHASES.
# Phase 33: probe 28 with the two-layer readout: does the default's memory hold places a
#          nonlinear readout finds (session 30's probe questions, read by the model itself, say no)?
#          The baseline for phase 32. Not in the default PHASES.
# Phase 34: phase 30 at three times the backbone's learning rate (1.5e-4): phase 30's memory
#          learns to hold places (validation `eval_state_placed` 0.08 → ~0.2 in 500 steps) but
#          slowly; is the rate what limits it? Not in the default PHASES.
# Phase 35: writing before carrying — phase 30 at one 256-token segment only (600 steps; judged by qa2 so
#          that no stage target ends it early): every place scored is one the segment itself just
#          read, so a memory that cannot learn this cannot carry anything. Not in the default PHASES.
# Phase 36: memory slots seeded with the entities' names. Phase 30 again, but memory slots 0–6
#          of probe 28's model start as the word embeddings of Mary, John, Daniel, Sandra, apple,
#          football, milk (Scripts/seed-memory.py; the folder $OUT/seeded28): a slot that starts as
#          "mary" attends where Mary is mentioned in a pretrained encoder, so each person and object
#          has a slot to be written into rather than one the encoder must invent (phases 30–35 wrote
#          places into the memory slowly: validation `eval_state_placed` ≤ 0.2 after 150–700
#          steps). Judged against phase 30. Not in the default PHASES.
# Phase 37: object probes (`--probe-rate 0.3 --probe-objects`, no state loss): a probed training
#          document's final segment asks where another object of its story is ("Where is the
#          milk?" when it asks about the apple) whenever one is known, else another person —
#          the encoder's own reading as the target (session 17's person probes kept rooms
#          0.29 → 0.45 in 400 steps but left qa2 level: the answer also needs who holds the
#          object). From Models/default, phase 30's data and curriculum. Judged held out on qa2 at
#          16 and 64 segments against the default, and by `rmt-train eval --probe --probe-objects`.
#          Not in the default PHASES.
# Phase 38: phase 37's control — the same start, seed, mixture and curriculum without probes
#          (phase 30's flags alone), so that held out phase 37 is paired against a fine-tune of the
#          same length rather than against Models/default (fine-tuning on this qa2-heavy mixture
#          moves qa2 by itself: sessions 19–21). Not in the default PHASES.
# Phase 39: volume at one segment (session 37). qa3 reads 0.62 and qa2 0.68 at one 499-token segment
#          (the default's ledger, 40 documents each): the encoder does not compose them even with the
#          whole story in view, so no memory can do better at any length. The default has seen ~6,100
#          qa3 and ~8,000 qa2 documents in all its phases; the anchors train with hundreds of times
#          more (BABILong's RMT ~2M documents per run, ARMT ~5M, the paper's reasoning ~3M). Is
#          composition a matter of volume here? From Models/default, one 320-token segment (phase
#          4's: a qa3 story fits; ~6 documents a second on two threads), qa3 and qa2 three times,
#          reasoning twice and the four single-fact tasks once (8 of 12 episodes the hard ones), lr
#          5e-5 decaying over 20,000 steps (so it stays near its peak across the sessions this takes),
#          best model by qa2 + qa3, never stopped by patience. Judged at one segment on held-out
#          technical writing against the default. Not in the default PHASES.
#          (As run, session 37: stopped at step 2,243. Held out at one segment, step 2,000: qa3
#          137 → 154 of 200 (p = 0.03), qa2 154 → 160, reasoning and the single-fact tasks level;
#          but at 16 segments qa3 7/200 (186 `unknown`) and the memory tasks near 0 — one-segment
#          documents taught it that a fact not in this segment is `unknown`. Not to be resumed as
#          is: volume must go to documents of several segments. Docs/results.md, "Session 37".
#          Rerun in session 40 to step 1,714: losses bit-identical to session 37's on the AMD Zen 4;
#          its step-1,000 and 1,500 models blended half-and-half with the default (`rmt-tool blend`)
#          keep the memory but gain nothing at 16 segments: qa3 103 and 94 against 104.)
# Phase 40: phase 39's volume on documents of several segments (session 38). Phase 39 moved qa3 at
#          one segment (137 → 154 of 200) but, trained only on one-segment documents, lost the memory
#          (qa3 7/200 at 16 segments). Here every batch draws its segment count from 2 to 8
#          (`--vary-segments-from 2`, one stage of 8) and its document tokens per segment from 128 to
#          499, so the memory is in every step and short documents still give volume; phase 39's
#          mixture (qa3 and qa2 three times, reasoning twice, the four single-fact tasks once), lr
#          5e-5 decaying over 20,000 steps, best model by qa2 + qa3 at 8 segments, never stopped by
#          patience. From Models/default; judged held out at 16 segments (qa3, the single-fact tasks)
#          against the default before anything longer. Not in the default PHASES.
#          (As run, session 38: stopped at step 771. Held out at 16 segments against the default:
#          qa3 104 → 69 / 76 / 90 at steps 250 / 500 / 771, qa2 94 → 74 / 77 at 500 / 771, the
#          single-fact tasks 299 → 297 / 261 of 300 at 250 / 771 — worse on every set. Docs/results.md,
#          "Session 38"; next: lr 1e-5, 499-token segments only, bf16 training on AMD.)
# Phase 41: phase 40 at a fine-tuning rate (session 39). Phase 40 at lr 5e-5 made every held-out set
#          worse within 250 steps; here lr 1e-5 (phase 11's) after a 200-step warm-up of the fresh Adam
#          state, full 499-token segments only (what the default was trained and is read on), 2 to 8
#          segments a step, the plain memorize and detect tasks back in the mixture (phase 40 lost them
#          at 16 segments without training them), and mixed-precision training (bf16, 1.5x fp32 on the
#          AMD Zen 4 this ran on: Docs/benchmarks.md). Judged held out at 16 segments against the
#          default. Not in the default PHASES.
#          (As run, session 39: stopped at step 534. Held out at 16 segments against the default:
#          qa3 104 -> 93 / 83 at steps 250 / 500 (p = 0.006), qa2 94 -> 90 at 500, the single-fact
#          tasks 299 -> 298 of 300 at 250 — qa3 falls at this rate too. Docs/results.md, "Session 39".)
# Phase 42: phase 41 with the mixture the default was trained on (phase 7's: one hard task in three,
#          where phases 40-41 had eight in fourteen), so that only the length distribution (2 to 8
#          segments a step) and the fresh Adam state differ from the default's own last phases —
#          the variable phases 40-41 did not separate. Judged held out at 16 segments against the
#          default every 250 steps. Not in the default PHASES.
#          (As run, session 40: stopped at step 263. Held out at 16 segments, step 250: qa3 104 -> 77
#          (p = 0.0003), on the validation genres 101 -> 76, qa2 94 -> 89 — qa3 falls faster than with
#          phase 41's mixture, so the mixture is not the cause. Docs/results.md, "Session 40".)
# Phase 43: phase 42 with every step at 8 segments (no `--vary-segments-from`): the same start,
#          mixture, seed, rate, warm-up and fresh Adam state, so the per-step length draw is the one
#          variable — the last one between phases 40-42 (each lowered held-out qa3 at 16 segments
#          within 250-500 steps) and the default's own phases 7 and 11. Judge it as phase 42 (qa3 and
#          qa2 at 16 segments, steps 250 and 500). Not in the default PHASES. (Begun at the end of
#          session 40, two threads, stopped at step 108; resumes.)
#          (As run, session 41: stopped at step 275. Held out, step 250: qa3 at 1 / 8 / 16 segments
#          131 / 120 / 89 against the default's 137 / 124 / 104 (p = 0.31 / 0.60 / 0.04), qa2 at 16
#          94 -> 86: kept at its training length, lost at 16 — phase 44 shows that is not the length
#          it trained at. Docs/results.md, "Session 41".)
# Phase 44: phase 43 at 16 segments (the length it is judged at): the same start, mixture, seed,
#          rate and warm-up; memory-efficient BPTT (the same gradient, recomputed segment by segment:
#          16 segments of batch 8 would keep ~22 GB of activations) and an evaluation every 125 steps.
#          Does training at the judged length lift qa3 there? Judge qa3 at 16 and 8 segments against
#          the default. Not in the default PHASES.
#          (As run, session 41, two threads: step 125, qa3 at 1 / 8 / 16 segments 140 / 118 / 89 —
#          at its own length as low as phase 43's (p = 0.006 against the default): the fine-tunes wear
#          down long-range carrying at any trained length. Stopped at step 139; resumes.)
# Phase 45: phase 43 in fp32 (phases 41-44 trained in bf16; the default's own phases in fp32, and
#          bf16 training was checked against fp32 for 100 steps only, Docs/training.md): the same
#          start, mixture, seed, rate, warm-up and 8 segments, an evaluation every 125 steps. Judge
#          qa3 at 16 segments against the default and phase 43. Not in the default PHASES.
#          (As run, session 41, two threads: step 125, qa3 at 1 / 8 / 16 segments 137 / 119 / 91 — the
#          same loss at 16 as bf16's (p = 0.02 against the default): not the precision. Stopped at
#          step 127; resumes.)
# Phase 46: phase 45 without the six single-fact tasks (qa2 twice, qa3 once, reasoning twice: the
#          hard tasks of phase 7's mixture in its proportions). Session 42 found that phase 45's
#          weight change in random directions (each element's size kept, its sign drawn at random:
#          Scripts/perturb-model.py) leaves qa3 at 16 segments where the default has it (104 and 103
#          of 200, against 91 as trained), and that the change of the encoder's layers carries the
#          loss, not the head's: the direction training takes, not its size, wears the carrying down.
#          Phases 41-43 lost it faster the larger the single-fact share (eight in fourteen hard: 93
#          at step 250; phase 7's five in eleven: 77 and 89); those tasks are answered perfectly, so
#          their gradient only pushes the memory further toward the person the question names.
#          Judged as phase 45 (qa3 at 16 segments, step 125). Not in the default PHASES.
#          (As run, session 42: step 125, qa3 at 16 segments 98 (default 104, phase 45 91; neither
#          difference significant), the picker's room said segments before 28/88 (default 34/88);
#          the untrained single-fact tasks 298 of 300 at 16 segments. Not the cure: those tasks'
#          gradient is small, and the change mostly makes the model less sure (Docs/results.md,
#          "Session 42"). Stopped at step 138; resumes.)
# Phase 47: the head alone (`--backbone-lr 0`: pooler and classifier learn, nothing else moves), from
#          Models/default on phase 45's data (phase 7's mixture, 8 segments, seed 421), lr 1e-4, 100
#          steps. Session 42: a fine-tune's change lowers held-out qa3 at 16 segments by its
#          direction, and the fine-tunes all make the model less sure (the default's wrong qa3
#          answers at 16 segments have median probability 0.93; phase 45's 0.88, phase 46's 0.76):
#          the loss's remaining slope at the default is largely calibration, which the encoder
#          serves by changes that also move answers. The linear-probe step of LP-FT (Kumar et al.,
#          2022: fine-tuning a model whose head fits poorly distorts its features and loses out of
#          distribution) lets the head take the calibration first. Not in the default PHASES.
#          (As run, session 42: done at step 100, best model at step 100; every backbone tensor
#          bit for bit the default's; qa3 at 16 segments 105 (default 104), wrong answers' median
#          probability 0.93 as before — at this rate the head barely recalibrates.)
# Phase 48: the fine-tuning step of LP-FT: phase 45 exactly (fp32, 8 segments, lr 1e-5 after 200
#          warm-up steps, phase 7's mixture, seed 421) from phase 47's model (PHASE48_FROM=DIR:
#          another). Judged as phase 45, qa3 at 16 segments at step 125, against the default and
#          phase 45. Not in the default PHASES.
#          (As run, session 42: step 125, qa3 at 16 segments 91 — the same 200 answers as phase 45:
#          a head probed at this rate changes nothing of the fine-tune that follows. Stopped at step
#          125; resumes.)
# Phase 49: phase 45 from the default with its answer temperature fitted on the training
#          distribution (session 43): the default's answers on 96 documents of each of phase 7's
#          tasks at 8 segments, training noise, seed 7 (not the training seed), the mixture's
#          weights (qa2 and reasoning twice), fitted by `rmt-tool calibrate` (T = 1.24; qa3 alone
#          1.56, qa2 1.25) and written as the default with its classifier divided by T — the same
#          answers, probabilities that the training loss no longer asks the encoder to soften as a
#          whole. Session 42: the fine-tunes' slope at the default is largely calibration, carried
#          out by encoder changes that cost long-range qa3. Judged as phase 45, qa3 at 16 segments
#          at step 125, against the default and phase 45. Not in the default PHASES.
#          (As run, session 43: step 125, qa3 at 16 segments 92 — phase 45's answers but three (2-1
#          discordant); its wrong answers, the temperature taken back out, as sure as the default's
#          (median 0.93): the fine-tune lost qa3 without growing less sure. Stopped at step 130; resumes.)
# Phase 50: phase 45 with each task's answer loss read at its own temperature (`--loss-temperature`,
#          session 43), fitted by `rmt-tool calibrate` on phase 49's calibration predictions task by
#          task (96 documents each at 8 segments, training noise, seed 7): babi-qa2 1.25, babi-qa3
#          1.56, reasoning 1.16, detect-distract 1.22, unknown 1.20, babi-qa1 1.22 (memorize, detect
#          and memorize-distract fit at the bound, every answer right: left at 1). A single temperature
#          (phase 49) leaves the encoder a per-task calibration to make — less sure on qa3 and qa2 only,
#          which the question it reads in every segment lets it do; with each task's own, the loss no
#          longer asks for that either. Judged as phase 45. Not in the default PHASES.
#          (As run, session 43: step 125, qa3 at 16 segments 91 (3-3 discordant with phase 45), wrong
#          answers' median probability 0.94 — calibration is not what costs qa3. On 200 other documents
#          (seed 2) the default 117, phase 50 113 (p = 0.57). Stopped at step 127; resumes.)
# Phase 51: phase 45 with another data seed (431: another stream of training documents, the same
#          mixture, rate, length and precision). Session 43: every recipe from seed 421's documents
#          (phases 45, 48, 49, 50) ends at the same answers at step 125, drifting to `garden`; phase 46
#          (another mixture) drifted to `bedroom` and `kitchen`. Does the drift, and the cost at 16
#          segments, follow the documents read? Judge qa3 at 16 segments on both sets (seeds 1 and 2,
#          400 documents: Docs/runs/memory/phase49-s43/judge-commands.sh). Not in the default PHASES.
# Phase 52: phase 45 with memory distillation toward the default (`--distill-memory Models/default
#          --distill-weight 10`: the memory tokens each segment hands on pulled toward the frozen
#          default's for the same text; Docs/training.md). Sessions 40-44: every fine-tune of this
#          recipe loses qa3 at 16 segments along a direction they share, whatever their data; phase
#          39's one-segment volume lost the memory where nothing asked for it. Does holding the memory
#          to the default's remove the cost? At the start the term is 0 and phase 45's first steps
#          are this run's; phase 45's step-125 model differs from the default by a mean squared 0.004-
#          0.008 per memory element (measured with this flag, session 45), so w = 10 weighs that drift
#          at ~0.05 against an answer loss of ~0.3. Judged as phase 51 (qa3 at 16 segments, both
#          sets, 400 documents). Not in the default PHASES.
#          (As run, session 45: step 125, qa3 at 16 segments 93 + 114 = 207 of 400 (default 221, p = 0.04);
#          memory drift 0.0014 per element over steps 101-125. Stopped at step 134; resumes.)
# Phase 53: phase 52 with weight 100 (the memory held ten times harder).
#          (As run, session 45: step 125, 101 + 111 = 212 (p = 0.09), drift 0.00037, the `garden` drift
#          gone; `rmt-train eval --memory-from` showed phase 45's whole cost is in the memory it writes.
#          Docs/runs/memory/phase52-s45/. Stopped at step 133; resumes.)
# Phase 54: reasoning's reading, with the memory held (session 46). Reasoning is the target nearest
#          its mark (0.92 at 2048 segments against 0.95) and its errors do not grow with length (0.92 /
#          0.94 / 0.905 / 0.92 at 1 / 16 / 64 / 2048 segments): the same stories fail at every length,
#          with p ~0.95-1.0, by swapping a relation's arguments ("The hallway is south of the bathroom.
#          The bathroom is south of the kitchen. What is the bathroom south of?" -> hallway). That is
#          reading, which a fine-tune can teach; sessions 40-45 showed a fine-tune's cost lies in the
#          memory it writes, which distillation toward the default holds (phase 53: W = 100). From
#          Models/default: reasoning 6 of 14 episodes beside the eight other tasks once each, documents
#          of 1-4 segments of 320 tokens (the facts in one segment or apart; a qa3 story needs ~160), lr 2e-5, distillation
#          W = 100. Judged held out against the default on reasoning at one segment (its errors do not
#          grow with length; Docs/runs/memory/phase54-s46/judge-commands.sh). Not in the default PHASES.
#          (As run, session 46: step 250 read reasoning at one segment 185/200, the default 186 — the
#          same 14 stories wrong but one; stopped at step 323 for phase 55; resumes.)
# Phase 55: phase 54 with the hard stories in front. Every reasoning error the default makes at one
#          segment, and 11 of 13 at 16, is a story whose two relations lie on one axis (the shared
#          room between the other two; Scripts/reasoning-errors.py): a third of reasoning's stories,
#          so phase 54's batches held ~1 such story each. Here `reasoning:same-axis` (new: only those
#          stories) four times and plain reasoning twice in the 14 episodes — ~2.3x as many hard
#          stories per step; all else phase 54's (seed, lengths, rate, distillation). Judged as 54.
#          (As run, session 46: held out on 400 same-axis stories at one segment (seed 3) the default
#          302, step 250 295, step 500 293 — no gain; seed 1's 200 plain stories had shown 192 and 189
#          against 186, chance. Stopped at step 539; resumes.)
# Phase 56: can the reading learn same-axis stories at all? Phases 54-55 hold the memory with
#          distillation (W = 100 adds ~0.1-0.25 to a loss of ~0.3) and moved nothing in 500 steps.
#          Here phase 55's mixture at one 320-token segment, no teacher, lr 5e-5 (phase 39's one-
#          segment rate): a learnability check, not a candidate (one-segment training loses the
#          memory, session 37). Judged on the same 400 same-axis stories at one segment.
#          (As run, session 46: 307 / 297 / 295 / 303 at steps 250 / 500 / 750 / 1,003 against the
#          default's 302 — it reshuffles which quarter it misses. Stopped at step 1,003; resumes.)
# Phase 57: reading every document twice (--passes 2, Docs/training.md): qa2 fails where its room
#          was said before anyone picked the object up (session 30); a second reading knows who
#          does. From the default, qa2 and qa3 3 of 13 episodes each (qa2's facts apart at rate
#          0.5), the seven other tasks once; 2-4 segments of 128 tokens (x2 readings), lr 3e-5.
#          Judged against phase 58 at equal steps on held-out technical writing (session 47's
#          judge commands in Docs/runs/memory/phase57-s47/).
#          (As run, session 47: with a build whose batches were read twice through an environment
#          variable, the same batches --passes 2 makes, before the flag existed; its checkpoint's
#          config.json was given rmt.passes 2 afterwards so that a --resume reads twice.)
# Phase 58: its control — phase 57 read once.
#          (Session 48: phase 57's step-1,000 model read twice is no better read three times (127 of 200
#          at 4 x 128, the same answers but 4), and does not carry at length: qa2 at 512 segments 0/24
#          (19 answers `unknown`; the default 2/24 of the same documents), at 64 segments far below the
#          default (Docs/results.md, "Session 48"). Fine-tuned on documents of at most 4 x 128 tokens,
#          it learned to let a fact go within a few hundred tokens.)
# Phase 59: two readings trained where they must carry — phase 7's path (full 499-token segments, the
#          count growing) instead of phase 57's 2-4 segments of 128 tokens: from the default, phase 57's
#          mixture and rate, --passes 2, every batch 2 to the stage's count of full segments
#          (--vary-segments-from 2), stages of 300 steps from 2 to 7 segments. Judged at 16 and 64
#          segments on qa2 against the default before anything longer. Not in the default PHASES.
#          (As run, session 48, one thread: stage 2 ended at step 300 (validation qa2 0.82, qa3 0.75); the
#          step-150 model read twice answers qa2 at 64 segments 5 of 100 (76 `unknown`; the default 33) — the
#          carrying let go as in phase 57. Session 49: by stage 4 it carries again — step 750 answers 35 of 100
#          there, level with the default at 16 segments too (step 900 likewise), the second reading no gain yet.
#          Session 50: stage 5's best (step 1050) level on qa2, below on qa3 at 16 segments, and better read
#          once than twice on qa2 at 16 segments. Session 51: stage 6's best (step 1350) below the default read
#          either way (qa2 at 64 segments 16-18 of 100 against 33, 43-44 `unknown`; qa3 at 16 segments 84-85
#          against 104), its two readings the same answers; stopped at step 1515 in stage 7, resumable, not
#          continued. Docs/runs/memory/phase59-s48/.)
# Phase 60: composition at volume where the story is most of the segment — from the default, qa2 and qa3
#          only, one segment of 160 data tokens (stories that do not fit are skipped, ~3%), lr 5e-5 over
#          2,400 steps (~19,000 documents; phase 39 used 320 tokens and a mixture of 12).
#          (As run, session 52, ~40 minutes of one core: validation qa2/qa3 0.80/0.76 at step 300,
#          0.94/0.97 at 1,500, 0.96/0.97 at 2,400. Held out, technical writing, 200 documents: one 499-token
#          segment qa2 154 -> 167, qa3 137 -> 164; one 320-token segment qa2 152 -> 177, qa3 125 -> 179; at 4
#          segments qa3 24/40 (the default 24), qa2 27/40 (32), memorize-distract 38/40 (40).)
#          (Session 62, rerun from the default on session 60's Zen 3 (fp32, one thread, ~2 s a step, 80 minutes),
#          the first of phase 82's lineage (60 -> 61 -> 62 -> 67 -> 76 -> 82) lost with its machine: the same
#          losses as session 52's to 5 digits at step 100, validation qa2/qa3 0.80/0.76 at 300, 0.90/0.91 at
#          1,200, 0.95/0.98 at 2,400 (its best, kept as model/); held out at one full segment qa2 176, qa3 164 of
#          200 (default 154 / 137, session 52's twin 167 / 164). Phase 61 begun after it. Docs/runs/memory/gate-default-s62/.)
# Phases 61-63: the default's own history (phases 6, 7 and 11 as Scripts/train-default.sh runs them)
#          from phase 60's model instead of phase 4's: the hard tasks across boundaries on short segments
#          (phase 6's recipe at 160 data tokens, 2 -> 4 segments), then full segments 1 -> 7 (phase 7's),
#          then `unknown` at 7 segments (phase 11's). The curriculum history rerun with more hard-task
#          volume that sessions 41, 44 and 51 named, its first stage cheap enough for a session.
#          (As run, session 52, one core each: phase 61 done at step 1,200 (best 1,050: validation qa2/qa3
#          0.71/0.79 at 4 x 160 tokens; held out at 4 x 128 qa2 facts apart 128 of 200, qa3 158 — the default
#          105, 128); phase 62 stopped at step 378 in stage 3 (validation 0.84/0.82 at 2), resumable.
#          Session 53, a new machine, /work lost: phases 60 and 61 rerun with RMT_THREADS=2 and
#          OUT=kept-runs/memory — the same metrics rows as session 52's but tokens/s; held out at 16 and 64
#          full segments phase 61 and phase 62's stage 2 level with the default, phase 60 below it; phase 62
#          stopped at step 503 at the start of stage 5. Session 54: phase 62 done at step 1,000 (stage 7
#          reached the 0.98 target); held out at 16 and 64 full segments its stage bests level with the
#          default or below (stages 4-5), stage 7's (step 900) ahead on qa2, behind on qa3, none beyond
#          chance, the final model (step 1,000) level; phase 63 waits on a stage ahead on both. Docs/runs/memory/phase61-s52/.)
#          (Session 63, on session 60's Zen 3 from session 62's phase 60, two threads beside a ledger: phase 61 done
#          at step 1,500 (its curriculum one evaluation behind session 52's, the four-segment best the same figures
#          at step 1,350); held out at 4 x 128 tokens qa2 facts apart 125, qa3 153 of 200 (default 105 / 128;
#          session 52's 128 / 158); phase 62 stages 1-2 each advanced at their first evaluation, stopped at step
#          247 in stage 3, resumable. Docs/runs/memory/lineage-s63/.)
#          (Session 64, the same machine, two threads: phase 62 resumed at step 247; stages 3-5 advanced at steps
#          300, 500 and 700 (validation qa2 / qa3 at 5 segments 0.70 / 0.71 and 0.68 / 0.76; session 54's run 0.74 /
#          0.65), stage 6 at step 800; stopped at step 809 in stage 7, resumable. Docs/runs/memory/lineage-s64/.)
#          (Session 65, the same machine, two threads: phase 62 resumed at step 809, done at step 1,000 (memory tasks
#          0.985 at 7 segments; qa2 / qa3 / reasoning 0.52 / 0.53 / 0.95; session 54's run 0.48 / 0.59 / 0.92 at the
#          same step). Docs/runs/memory/lineage-s65/.)
# Phase 64: its control for the short-segment stage — phase 7's recipe straight from phase 60's model.
#          (As run, session 52: stopped at step 552 in stage 6, resumable; validation qa2 0.47-0.51 at 4-5
#          segments.)
# Phase 65: the curriculum past 7 segments — phase 7's recipe (phase 62's flags) on from phase 62's model,
#          stages 8 -> 16 of full segments, every stage judged by the memory tasks as phase 7's were, in bf16
#          with --bptt memory-efficient (16 segments of batch 8 would keep ~22 GB of activations).
#          Every run since session 40 is level or better where it trained and at best level beyond: this
#          trains at the length the held-out judge reads (16) with the history the default had.
#          (As run, session 55, two threads: stage 8 advanced at step 100 (held out at 16 and 64 segments level
#          with the default and with phase 62's final model); stage 9 at 0.945 at step 200; stopped at step 216,
#          resumable. Docs/runs/memory/phase65-s55/.)
# Phase 66: phase 65 at 64-token data segments, 16 -> 24 segments: the boundaries the memory must carry
#          across at about a seventh of a full segment's time (~3.7 s a step at 16 x 64, ~13 s at 8 x 499), so that training sees 16+ of them within a session
#          (phase 65 reaches 9-10 full segments an hour); judged at 16 and 64 full segments all the same.
#          (As run, session 55: best at step 200 (memory tasks 0.975 at 16 x 64); held out qa2 facts apart at 16
#          segments 99 of 200 (the default 86, p = 0.15), qa3 86 (104, p = 0.01), qa2 at 64 37 of 100 (33); the
#          memory tasks and `unknown` collapsed at step 400 (lr 3e-5); stopped at step 541.)
# Phase 67: phase 66 steadied — lr 2e-5, a fresh optimizer at each stage (no --keep-optimizer), qa3 twice in
#          the mixture (phase 66 lost qa3 at 16 full segments and turned unstable after step 300 at 3e-5).
#          (As run, session 55: stages 16-19 each advanced at their first evaluation; stage 16's best (step 100)
#          held out qa2 facts apart at 16 segments 96 (p = 0.30), qa3 90 (p = 0.12), qa2 at 64 41 of 100 (p = 0.31);
#          stage 18's (step 300) 107 (p = 0.011: ahead at 16 segments), 98 (p = 0.56), 40 (p = 0.35); stage 19's
#          (step 400) 102 (p = 0.06), 96 (p = 0.39), 35 (p = 0.87); stopped at step 400 at the start of
#          stage 20, resumable. Session 56: stages 20-24 each advanced at their first evaluation, done at step
#          900; held out stage 22 95 / 90 / 34, the final model (stage 24) 99 / 91 / 26 — the 64-segment set
#          did not follow. Docs/runs/memory/phase65-s55/, phase68-s56/.)
#          (Session 65, fp32 on a Zen 3, two threads, ~6.5 s a step, from session 65's phase 62: stages 16-18 each
#          advanced at their first evaluation (validation qa2 / qa3 at 18 segments 0.59 / 0.50; session 55's run
#          0.54 / 0.47); stopped at step 311 once stages/18 existed (phase 76 starts there), resumable.
#          Docs/runs/memory/lineage-s65/.)
# Phases 68-70: phase 67's flags at 32, 48 and 64 segments of 64 data tokens, one stage each (the run ends when
#          the memory tasks reach the target), each from the one before: phase 67 trained across 16-24 boundaries
#          and did not carry to the judged 64 full segments; these train across that many.
#          (As run, session 56, two threads: phase 68 (32 x 64) reached the target at step 100 (~9 s a step), done;
#          phase 69 (48 x 64) read 0.976 at step 100, stopped at step 160 (resumable); phase 70 not started.
#          Docs/runs/memory/phase68-s56/.)
# Phase 71: phase 65's recipe (full 499-token segments 8 -> 16, bf16, --bptt memory-efficient) from phase 67's
#          stage 18 (the short-segment line's best: ahead of the default on qa2 at 16 full segments, level at 64):
#          phases 66-69 showed that the 64-segment documents need training under their volume of noise, not
#          more boundaries; this trains under it from the model that composes best at 16.
#          (As run, session 56: stage 8 reached the target at step 100; held out worse than the default on all
#          three sets (72 / 89 / 24), answers gathered on bathroom; stopped at step 102, resumable. Next: the same
#          at lr 2e-5 with a fresh optimizer per stage. Docs/runs/memory/phase68-s56/.)
# Phase 72: phase 71 at phase 67's rate — lr 2e-5, a fresh optimizer at each stage (no --keep-optimizer), what
#          steadied phase 66 into phase 67. (As run, sessions 56-57: stage 8 reached the target at step 100; held out
#          qa2 facts apart at 16 segments 105 (default 86, p = 0.018), qa3 106, qa2 at 64 segments 34 — level there;
#          stage 9 at step 200: 92 / - / 37, level; stopped at step 205 (stage 10), resumable. Docs/runs/memory/phase72-s57/.)
# Phase 73: phase 68 with a memory gate (--memory-gate: bias 3, the gate's tensors at --gate-lr 1e-3; Docs/training.md
#          "The memory gate") — the same start (phase 67's final model), flags and seed, so phase 68 is its control:
#          32 segments of 64 data tokens, where phase 68 drifted (22 of 100 64-segment stories answered `unknown`).
#          (As run, session 57: 100 steps with a binary from a stale incremental build; not counted, to be rerun —
#          its folder was moved out of OUT.)
# Phase 74: phase 72 with a memory gate (bias 3, --gate-lr 1e-3) — the same start (phase 67's stage 18), flags and
#          seed, so phase 72 is its control on full 499-token segments 8 -> 16.
#          (As run, session 57: the gate did not move in 100 steps (bias rms 2.999); validation as phase 72's;
#          stopped at step 112, stage 9, resumable; not judged.)
# Phase 75: phase 67's flags (16 -> 24 segments of 64 data tokens) from phase 67's stage 18 with a memory gate that
#          starts in the middle (--memory-gate-bias 0: each segment hands on half its new memory, half the one that
#          entered; --gate-lr 1e-3) — phases 73-74's gate (bias 3) had not moved after 100 steps.
#          (As run, session 57: stage 16's best at step 200; the gate stayed near Z = 1/2; held out 84 / 109 / 35,
#          level on every set; stopped at step 277, stage 17, resumable.)
# Phase 76: phase 75 with a gate that favours keeping (--memory-gate-bias -2: each segment hands on 0.12 of its new
#          memory at first) and ten times the gate's rate (--gate-lr 1e-2), so the gate must learn to open on a fact
#          and stay shut on prose — bias 3 and 0 (phases 74-75) never moved from where they started.
#          (As run, session 58, one thread: the gate opened on facts (~0.3 on prose, 0.35-0.56 at a fact by step 100);
#          stage 16 at step 300 held out 108 / 111 / 45 (default 86 / 104 / 33; qa2 facts apart p = 0.0046), 34 on a
#          seed-2 64-segment set (35); 1 of 8 qa2 documents at 2048 (default 3); stopped at step 601, stage 17,
#          resumable. Docs/runs/memory/phase76-s58/.)
# Phase 77: phase 72's flags (full 499-token segments 8 -> 16, lr 2e-5, a fresh optimizer per stage) from phase 76's
#          gated model (PHASE77_FROM: session 58 ran it from phase 76's stage 16 at step 300, the judged candidate), the gate still at
#          --gate-lr 1e-2: the gate learned on 64-token segments, trained on under the judged volume of noise.
#          (As run, session 58: stage 8 at step 100 held out 94 / 100 / 39 (seed 2: 26) — behind its start on every
#          set; stopped at step 107, resumable.)
# Phase 78: phase 74 with phase 76's shut gate (bias -2, --gate-lr 1e-2): full 499-token segments 8 -> 16 from phase
#          67's stage 18, so the gate learns under the judged volume of noise from its first step (phase 72 its control).
#          (As run, session 58: stopped at step 3 for phase 79; resumable.)
# Phase 79: phase 70's flags (64 segments of 64 data tokens, one stage) from phase 76's step-300 model (PHASE79_FROM), the
#          gate at --gate-lr 1e-2: at 16-24 segments phase 76's gate settled at Z ~0.45 on prose (a fact decays by
#          ~half a segment unless re-encoded), which costs nothing there; 64 boundaries ask it to keep.
#          (As run, session 58, from kept-runs/memory/phase76-candidate: step 100 memory tasks 0.977, validation qa2 /
#          qa3 0.50 / 0.34; the traced gate's prose median 0.47 -> 0.41; stopped at step 104, resumable; not judged.
#          Session 59: step 200 validation qa2 / qa3 0.42 / 0.44; stopped at step 206, resumable.)
# Phase 80: phase 76's recipe (16 -> 24 segments of 64 data tokens) from phase 76's step-300 model (PHASE80_FROM,
#          default kept-runs' phase76-candidate) with the gate penalty (--gate-penalty 1: the mean share of new memory
#          let in at every boundary joins the loss): nothing in the answer loss asks the gate to stay shut on prose over
#          16-24 segments (phase 76 settled at Z ~0.45), and 2048 segments need it shut.
#          (As run, session 59: the mean Z fell 0.40 -> ~0.1; stage 16 advanced at step 100; stage 17 at step 200 held
#          out 21 of 100 at 64 segments (default 33), half "unknown"; the memory still moved 4.6% a segment on the
#          traced story. Stopped at step 439, resumable. Docs/runs/memory/gate-penalty-s59/.)
# Phase 81: phase 80 on data segments of 64-499 tokens (each batch its own length): phase 80's gate shut on prose and
#          opened on facts at 64 tokens, and on full 499-token segments it stayed shut on the facts too (session 59:
#          half its 64-segment answers "unknown"); here it sees both densities. Memory-efficient BPTT (full BPTT over
#          16 full segments of 8 documents needs ~21 GB: killed by the kernel once, session 59); an evaluation every 50
#          steps (patience 6: the same 300 steps).
#          (As run, session 59: step 50 validation detect / detect-distract / unknown 0.88 / 0.81 / 0.86, qa2 / qa3 0.47 /
#          0.46; ~27-35 s a step on one thread; stopped at step 57, resumable.)
# Phase 82: phase 80 with a tenth of the price (--gate-penalty 0.1), 64-token segments.
#          (As run, session 59: mean Z 0.43 -> 0.36 at step 100, 0.24-0.33 by step 432; stage 16 at step 100 (copied as
#          kept-runs/memory/phase82-step100 before step 200, the stage's saved best, replaced it) held out 108 / 113 / 48
#          and 38 on the seed-2 64-segment set (default 86 / 104 / 33 / 35): ahead on every set. Stopped at step 432,
#          stage 17, resumable.)
# Phase 83: the shipped Models/default (every kept run of sessions 45-59 went with its machine before session 60)
#          with phase 76's gate (bias -2, --gate-lr 1e-2) and phase 67's flags, 64-token segments, fp32 (the machine of
#          session 60 has no AVX512-BF16), and the move penalty (--move-penalty 1: the memory tokens' squared relative
#          move ||O - P||^2 / ||P||^2 over segments 1..N-2 joins the loss): a price the encoder cannot pay by writing
#          further where the gate stays open, as it did the gate penalty's (session 59).
#          (As run, session 60, one thread each beside phase 84, ~10 s a step: memory_move ~0.07 against the control's
#          ~0.6 at the same loss; stage 16 advanced at step 200; its model held out 87 / 97 / 36 (qa2x-16 / qa3-16 / qa2-64;
#          default 86 / 104 / 33), ahead of phase 84 on each. Stopped at step 228 (stage 17), resumable on that machine only.
#          Docs/runs/memory/move-penalty-s60/.)
# Phase 84: phase 83 without the move penalty, the same seed: its control.
#          (As run, session 60: stage 16 advanced at step 200; held out 82 / 87 / 27, 32 of its 64-segment answers
#          "unknown"; stopped at step 226.)
# Phase 85: phase 83 with the price only where no fact is (--move-penalty-scope quiet: a segment holding a token of
#          a planted fact may move the memory freely), the same seed: session 60's traces showed the price on every
#          segment also stopped the writes at facts (1.6x the quiet move there, the unpriced default 3.8x).
#          (As run, session 61, one thread, ~9 s a step: memory_move climbed back to ~0.5 (the control's ~0.6) with
#          the fact segments free; stage 16 did not advance at step 200 (0.975); held out behind the default and
#          phase 83: qa2-64 27 / 20 at steps 100 / 200 (default 33, phase 83 42 / 36), qa3-16 82 at step 100 (104).
#          Stopped at step 205, resumable on that machine only. Docs/runs/memory/move-quiet-s61/.)
# Phase 86: phase 83 with three times the price (--move-penalty 3), the same seed: the dose against phase 83 (1)
#          and phase 84 (0).
#          (As run, session 61: memory_move ~0.04, gate 0.17 by step 100; held out at step 100 qa2-64 23 of 100 with
#          38 `unknown` (default 33, phase 83 42): the facts no longer written. Stopped at step 105, resumable there.)
# Phase 87: phase 84 (phase 83's control: the shipped default with phase 76's shut gate) with phase 82's tenth of the
#          gate price (--gate-penalty 0.1), the same seed: phase 82 (session 59) led the default on every set at step 100
#          but started from a lineage lost with its machine (phases 60 -> 76); this asks whether the price alone, from
#          the default, gives that lead (phase 84 its control).
#          (As run, session 62, one thread, ~9-10 s a step: gate share ~0.25 (control 0.34), memory_move ~0.6 as the
#          control's; stage 16 advanced at step 200; held out at step 100 66 / 79 / 23 (qa2x-16 / qa3-16 / qa2-64;
#          default 86 / 104 / 33; the first two behind, p = 0.031 and 0.0001), at step 200 qa2-64 25: the price
#          alone does not give phase 82's lead. Stopped at step 204 (stage 17), resumable on that machine only.
#          Docs/runs/memory/gate-default-s62/.)
# (Do not edit this script while a phase of it runs: bash reads a script as it goes.)
# PHASE6_MAX_SEGMENTS=N ends phase 6 after stage N (default 6; Scripts/train-default.sh: 4, the stage
# phase 7 started from).
# Noise: fiction + reference (Scripts/fetch-noise.sh) for training, other books of the same
# genres for validation; technical writing is held out for evaluation (Scripts/eval-default.sh
# with NOISE=…/technical/eval). Each phase resumes if its folder has a checkpoint (Ctrl-C safe).
# UNTIL=N stops after phase N (phase 8 runs before 7 when both are asked for); UNTIL=3 ends with
# phase 3's 7-segment model, the default until session 17 (Scripts/train-default.sh now runs phases
# 1–4, 6, 7 and 11). PHASES picks the phases (default "1 2 3 4 6 7"; the earlier branch is
# "1 2 3 4 5"). Phase 4 starts from phase 3's model
# (PHASE4_FROM=DIR: another; session 11 reran it from phase 3's model as then shipped in
# Models/default, rounded to float16, after phase 3's folder was lost with the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
unset OPENBLAS_CORETYPE
OUT=${OUT:-runs/memory}
LAST_PHASE=87  # the highest phase this script defines
is_phase() { [[ "$1" =~ ^[1-9][0-9]*$ ]] && [ "$1" -le "$LAST_PHASE" ]; }
UNTIL=${UNTIL:-$LAST_PHASE}
is_phase "$UNTIL" || { echo "train-memory.sh: UNTIL must be 1 to $LAST_PHASE, got \"$UNTIL\"" >&2; exit 1; }
PHASES=${PHASES:-1 2 3 4 6 7}
for p in $PHASES; do
    is_phase "$p" || { echo "train-memory.sh: PHASES holds 1 to $LAST_PHASE, got \"$p\"" >&2; exit 1; }
done
runs() { [ "$1" -le "$UNTIL" ] && [[ " $PHASES " == *" $1 "* ]]; }  # runs N: phase N is asked for
N=${NOISE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rmt/noise}
MINILM=${MINILM:-$(Scripts/fetch-minilm.sh)}
[ -d "$N/reference/train" ] || Scripts/fetch-noise.sh >&2
if [ -z "${BIN:-}" ]; then  # BIN=DIR: rmt-train and rmt-tool built earlier (a copy outside .build survives rebuilds)
    swift build -c release --product rmt-train >&2 && swift build -c release --product rmt-tool >&2
    BIN=$(swift build -c release --show-bin-path)
fi
# The phases written for bf16 training (AVX512-BF16 CPUs, where it is the faster precision) train in fp32 where
# the build has no bf16 kernel for the CPU and rmt-train would refuse bf16 (`rmt-tool sysinfo`'s bf16_available:
# the same check; Docs/training.md, "Mixed precision"); BF16=fp32 forces fp32.
BF16=${BF16:-$("$BIN/rmt-tool" sysinfo --json | grep -q '"bf16_available":"none' && echo fp32 || echo bf16)}
TRAIN_NOISE=(--noise "$N/fiction/train" "$N/reference/train" --eval-noise "$N/fiction/valid" "$N/reference/valid")

phase() {  # phase DIR ARGS...: run, or resume when DIR has a checkpoint; skip when DIR/model exists
    local dir=$1; shift
    if [ -f "$dir/model/config.json" ]; then return 0; fi
    if [ -f "$dir/checkpoint/trainer-state.json" ] || compgen -G "$dir/.checkpoint.old-*" > /dev/null; then
        "$BIN/rmt-train" "$@" "${TRAIN_NOISE[@]}" --out "$dir" --resume
    else
        "$BIN/rmt-train" "$@" "${TRAIN_NOISE[@]}" --out "$dir" --overwrite
    fi
}

with_flags() {  # with_flags NEW OLD FLAG VALUE...: array NEW = OLD's flags with each FLAG's value set to VALUE
    local -n new=$1 old=$2; local from=$2; shift 2  # (VALUE "-" drops FLAG, a switch); every FLAG must be in OLD
    new=("${old[@]}")
    [ $(($# % 2)) = 0 ] || { echo "train-memory.sh: with_flags: every FLAG needs a VALUE" >&2; exit 1; }
    while [ $# -gt 0 ]; do
        local flag=$1 value=$2 i found=; shift 2
        for ((i = 0; i < ${#new[@]}; i++)); do
            [ "${new[i]}" = "$flag" ] || continue
            found=1
            if [ "$value" = - ]; then new=("${new[@]:0:i}" "${new[@]:i+1}"); else new[i + 1]=$value; fi
            break
        done
        [ -n "$found" ] || { echo "train-memory.sh: with_flags: $flag is not among $from's flags" >&2; exit 1; }
    done
}

if runs 1; then phase "$OUT/phase1" --model "$MINILM" --question-layout every-segment \
    --task memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 --seed 41 --adversarial-rate 0.1 \
    --data-segment-length 128 --start-segments 1 --max-segments 3 --lr 1e-4 --warmup 50 --eval-every 100 \
    --eval-samples 120 --patience 12 --max-steps-per-stage 4000 --target-accuracy 0.95 --batch-size 8; fi
if runs 2; then phase "$OUT/phase2" --model "$OUT/phase1/model" \
    --task memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1,babi-qa2,babi-qa3,reasoning --seed 51 \
    --adversarial-rate 0.1 --start-segments 1 --max-segments 1 --lr 5e-5 --warmup 100 --keep-optimizer \
    --eval-every 100 --eval-samples 180 --patience 8 --max-steps-per-stage 500 --target-accuracy 0.95 --batch-size 8; fi
if runs 3; then phase "$OUT/phase3" --model "$OUT/phase2/model" \
    --task memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 --seed 52 --adversarial-rate 0.1 \
    --start-segments 2 --max-segments 7 --lr 3e-5 --warmup 50 --keep-optimizer --eval-every 50 \
    --eval-samples 120 --patience 4 --max-steps-per-stage 400 --target-accuracy 0.96 --batch-size 8; fi
if runs 4; then phase "$OUT/phase4" --model "${PHASE4_FROM:-$OUT/phase3/model}" \
    --task babi-qa2,babi-qa2,babi-qa3,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 \
    --seed 61 --adversarial-rate 0.1 --data-segment-length 320 --start-segments 1 --max-segments 1 --lr 5e-5 \
    --warmup 100 --keep-optimizer --eval-every 250 --eval-samples 240 --patience 8 --max-steps-per-stage 2000 \
    --target-accuracy 0.95 --batch-size 8; fi
if runs 5; then phase "$OUT/phase5" --model "$OUT/phase4/model" \
    --task babi-qa2,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 \
    --seed 71 --adversarial-rate 0.1 --start-segments 1 --max-segments 5 --lr 3e-5 --warmup 50 --keep-optimizer \
    --eval-every 100 --eval-samples 240 --patience 4 --max-steps-per-stage 600 --target-accuracy 0.9 --batch-size 8
phase "$OUT/phase5b" --model "$OUT/phase5/stages/5" \
    --task babi-qa2,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 \
    --seed 72 --adversarial-rate 0.1 --start-segments 6 --max-segments 7 --lr 3e-5 --warmup 20 \
    --eval-every 100 --eval-samples 240 --patience 3 --max-steps-per-stage 400 --target-accuracy 0.88 --batch-size 8; fi
PHASE6=(--model "$OUT/phase4/model"
    --task babi-qa2,babi-qa2,babi-qa2,babi-qa3,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
    --seed 81 --adversarial-rate 0.1 --data-segment-length 128 --start-segments 2 --max-segments "${PHASE6_MAX_SEGMENTS:-6}" --lr 3e-5
    --warmup 50 --keep-optimizer --eval-every 150 --eval-samples 240 --patience 3 --max-steps-per-stage 600
    --target-accuracy 0.9 --batch-size 8)
if runs 6; then phase "$OUT/phase6" "${PHASE6[@]}"; fi
if runs 8; then phase "$OUT/phase8" "${PHASE6[@]}" --prefix-loss; fi
# Phase 7's mixture, the one the default was trained on (phases 42-45 reuse it).
PHASE7_MIXTURE=babi-qa2,babi-qa2,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
PHASE7=(  # phase 7's flags but the model and seed (phases 62 and 64 reuse them)
    --task "$PHASE7_MIXTURE" --advance-on memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
    --adversarial-rate 0.1 --start-segments 1 --max-segments 7 --lr 3e-5 --warmup 50 --keep-optimizer
    --eval-every 100 --eval-samples 240 --patience 3 --max-steps-per-stage 400 --target-accuracy 0.98 --batch-size 8)
if runs 7; then phase "$OUT/phase7" --model "${PHASE7_FROM:-$OUT/phase6/model}" "${PHASE7[@]}" --seed 91; fi
if runs 9; then phase "$OUT/phase9" --model "${PHASE9_FROM:-$OUT/phase7/model}" \
    --task babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa3,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 \
    --advance-on babi-qa2 \
    --seed 101 --adversarial-rate 0.1 --start-segments 1 --max-segments 4 --lr 3e-5 --warmup 50 \
    --eval-every 100 --eval-samples 340 --patience 3 --max-steps-per-stage 600 --target-accuracy 0.9 --batch-size 8; fi
if runs 10; then phase "$OUT/phase10" --model "${PHASE10_FROM:-$OUT/phase9/stages/1}" \
    --task babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa3,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 \
    --advance-on babi-qa2 --probe-rate 0.3 \
    --seed 101 --adversarial-rate 0.1 --start-segments 2 --max-segments 4 --lr 3e-5 --warmup 50 \
    --eval-every 100 --eval-samples 340 --patience 3 --max-steps-per-stage 600 --target-accuracy 0.9 --batch-size 8; fi
PHASE11=(  # phase 11's flags but the model and seed (phase 63 reuses them)
    --task babi-qa2,babi-qa2,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,unknown,unknown,babi-qa1
    --advance-on memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
    --adversarial-rate 0.1 --start-segments 7 --max-segments 7 --lr 1e-5 --warmup 10
    --eval-every 100 --eval-samples 390 --patience 2 --max-steps-per-stage 200 --target-accuracy 1.0 --batch-size 8)
if runs 11; then phase "$OUT/phase11" --model "${PHASE11_FROM:-$OUT/phase7/model}" "${PHASE11[@]}" --seed 111; fi
PHASE12=(--task babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa3,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
    --advance-on babi-qa2 --seed 121 --adversarial-rate 0.1 --start-segments 2 --max-segments 4 --lr 5e-5 --warmup 50
    --eval-every 100 --eval-samples 340 --patience 3 --max-steps-per-stage 600 --target-accuracy 0.9 --batch-size 8)
if runs 12; then phase "$OUT/phase12" --model "${PHASE12_FROM:-Models/default}" --associative 64 "${PHASE12[@]}"; fi
if runs 13; then phase "$OUT/phase13" --model "${PHASE12_FROM:-Models/default}" "${PHASE12[@]}"; fi
if runs 14; then phase "$OUT/phase14" --model "${PHASE12_FROM:-Models/default}" --associative 64 --associative-lr 1e-3 "${PHASE12[@]}"; fi
if runs 15; then phase "$OUT/phase15" --model "${PHASE12_FROM:-Models/default}" --associative 64 --associative-write all --associative-lr 1e-3 "${PHASE12[@]}"; fi
if runs 16; then phase "$OUT/phase16" --model "${PHASE12_FROM:-Models/default}" --cross-segment-rate 0.5 "${PHASE12[@]}"; fi
if runs 17; then phase "$OUT/phase17" --model "${PHASE12_FROM:-Models/default}" --cross-segment-rate 0.25 "${PHASE12[@]}"; fi
with_flags PHASE18 PHASE12 --start-segments 4 --max-segments 7  # phase 12's flags with the curriculum at 4 → 7 segments
if runs 18; then phase "$OUT/phase18" --model "${PHASE12_FROM:-Models/default}" --cross-segment-rate 0.5 "${PHASE18[@]}"; fi
if runs 19; then phase "$OUT/phase19" --model "${PHASE12_FROM:-Models/default}" "${PHASE18[@]}"; fi
if runs 20; then phase "$OUT/phase20" --model "${PHASE12_FROM:-Models/default}" --hidden-question-rate 0.5 "${PHASE18[@]}"; fi
if runs 21; then phase "$OUT/phase21" --model "${PHASE12_FROM:-Models/default}" --decoy-question-rate 0.5 "${PHASE18[@]}"; fi
if runs 22; then phase "$OUT/phase22" --model "${PHASE12_FROM:-Models/default}" --memory-tokens 20 "${PHASE18[@]}"; fi
PHASE23=(--model "${PHASE23_FROM:-Models/default}"
    --task babi-qa2,babi-qa2,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,unknown,unknown,babi-qa1
    --advance-on memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
    --seed 231 --adversarial-rate 0.1 --start-segments 7 --max-segments 7 --lr 1e-5 --warmup 10 --precision "$BF16"
    --eval-every 200 --eval-samples 390 --patience 1 --max-steps-per-stage 200 --target-accuracy 1.0 --batch-size 8)
PHASE26=(--task babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa2,babi-qa3,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
    --advance-on memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
    --seed 261 --adversarial-rate 0.1 --data-segment-length 128 --start-segments 8 --max-segments 16 --lr 3e-5
    --warmup 50 --keep-optimizer --precision "$BF16" --eval-every 50 --eval-samples 170 --patience 2
    --max-steps-per-stage 150 --target-accuracy 0.98 --batch-size 8)
if runs 26; then phase "$OUT/phase26" --model "${PHASE26_FROM:-Models/default}" "${PHASE26[@]}"; fi
if runs 27; then phase "$OUT/phase27" --model "${PHASE26_FROM:-Models/default}" --state-loss 0.2 --state-lr 1e-3 "${PHASE26[@]}"; fi
with_flags PHASE28 PHASE26 --lr 1e-9  # phase 26's flags with the backbone's learning rate at 1e-9
if runs 28; then phase "$OUT/phase28" --model "${PHASE26_FROM:-Models/default}" --state-loss 1 --state-lr 1e-3 "${PHASE28[@]}"; fi
if runs 29; then phase "$OUT/phase29" --model "${PHASE29_FROM:-$OUT/phase28/stages/13}" --state-loss 1 --state-lr 1e-3 "${PHASE26[@]}"; fi
with_flags PHASE30 PHASE26 --start-segments 2 --max-segments 6 --lr 5e-5 --max-steps-per-stage 400  # phase 26's flags from 2 segments to 6
if runs 30; then phase "$OUT/phase30" --model "${PHASE29_FROM:-$OUT/phase28/stages/13}" --state-loss 1 --state-lr 3e-3 "${PHASE30[@]}"; fi
if runs 31; then phase "$OUT/phase31" --model "${PHASE29_FROM:-$OUT/phase28/stages/13}" --state-loss 5 --state-lr 3e-3 "${PHASE30[@]}"; fi
if runs 32; then phase "$OUT/phase32" --model "${PHASE26_FROM:-Models/default}" --state-loss 1 --state-lr 3e-3 --state-hidden 512 "${PHASE30[@]}"; fi
with_flags PHASE33 PHASE30 --lr 1e-9  # phase 30's flags with the backbone's learning rate at 1e-9
with_flags PHASE34 PHASE30 --lr 1.5e-4  # phase 30's flags with the backbone's learning rate at 1.5e-4
if runs 34; then phase "$OUT/phase34" --model "${PHASE29_FROM:-$OUT/phase28/stages/13}" --state-loss 1 --state-lr 3e-3 "${PHASE34[@]}"; fi
with_flags PHASE35 PHASE30 --start-segments 1 --max-segments 1 --max-steps-per-stage 600 --data-segment-length 256 \
    --advance-on babi-qa2 --patience 20  # phase 30's flags at one 256-token segment, 600 steps, judged by qa2
if runs 35; then phase "$OUT/phase35" --model "${PHASE29_FROM:-$OUT/phase28/stages/13}" --state-loss 1 --state-lr 3e-3 "${PHASE35[@]}"; fi
if runs 36; then
  [ -d "$OUT/seeded28" ] || python3 Scripts/seed-memory.py "${PHASE29_FROM:-$OUT/phase28/stages/13}" "$OUT/seeded28" \
    Mary,John,Daniel,Sandra,apple,football,milk
  phase "$OUT/phase36" --model "$OUT/seeded28" --state-loss 1 --state-lr 3e-3 "${PHASE30[@]}"
fi
if runs 37; then phase "$OUT/phase37" --model "${PHASE26_FROM:-Models/default}" --probe-rate 0.3 --probe-objects "${PHASE30[@]}"; fi
if runs 38; then phase "$OUT/phase38" --model "${PHASE26_FROM:-Models/default}" "${PHASE30[@]}"; fi
if runs 39; then phase "$OUT/phase39" --model "${PHASE39_FROM:-Models/default}" \
    --task babi-qa3,babi-qa3,babi-qa3,babi-qa2,babi-qa2,babi-qa2,reasoning,reasoning,memorize-distract,detect-distract,unknown,babi-qa1 \
    --advance-on babi-qa2,babi-qa3 --seed 391 --adversarial-rate 0.1 --data-segment-length 320 --start-segments 1 \
    --max-segments 1 --lr 5e-5 --warmup 100 --eval-every 500 --eval-samples 480 --patience 1000 \
    --max-steps-per-stage 20000 --target-accuracy 1.0 --batch-size 8 --precision fp32; fi
if runs 40; then phase "$OUT/phase40" --model "${PHASE40_FROM:-Models/default}" \
    --task babi-qa3,babi-qa3,babi-qa3,babi-qa2,babi-qa2,babi-qa2,reasoning,reasoning,memorize-distract,detect-distract,unknown,babi-qa1 \
    --advance-on babi-qa2,babi-qa3 --seed 401 --adversarial-rate 0.1 --data-segment-length 128-499 --start-segments 8 \
    --max-segments 8 --vary-segments-from 2 --lr 5e-5 --warmup 100 --eval-every 250 --eval-samples 240 --patience 1000 \
    --max-steps-per-stage 20000 --target-accuracy 1.0 --batch-size 8 --precision fp32; fi
# Phases 41 and 42 differ only in their mixture and seed, phases 42 and 43 only in the length draw,
# 43 and 44 only in the length (8 or 16 segments; 44 evaluates every 125 steps and recomputes segments),
# 43 and 45 only in the precision (bf16 or fp32; 45 evaluates every 125 steps).
FINE_TUNE_SHARED=(--advance-on babi-qa2,babi-qa3 --adversarial-rate 0.1 --lr 1e-5 --warmup 200
    --eval-samples 280 --patience 1000 --max-steps-per-stage 20000 --target-accuracy 1.0 --batch-size 8)
FINE_TUNE=("${FINE_TUNE_SHARED[@]}" --precision "$BF16" --start-segments 8 --max-segments 8 --eval-every 250)
VARIED_FINE_TUNE=("${FINE_TUNE[@]}" --vary-segments-from 2)
if runs 41; then phase "$OUT/phase41" --model "${PHASE41_FROM:-Models/default}" \
    --task babi-qa3,babi-qa3,babi-qa3,babi-qa2,babi-qa2,babi-qa2,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 \
    --seed 411 "${VARIED_FINE_TUNE[@]}"; fi
if runs 42; then phase "$OUT/phase42" --model "${PHASE42_FROM:-Models/default}" --task "$PHASE7_MIXTURE" \
    --seed 421 "${VARIED_FINE_TUNE[@]}"; fi
if runs 43; then phase "$OUT/phase43" --model "${PHASE43_FROM:-Models/default}" --task "$PHASE7_MIXTURE" \
    --seed 421 "${FINE_TUNE[@]}"; fi
if runs 44; then phase "$OUT/phase44" --model "${PHASE44_FROM:-Models/default}" --task "$PHASE7_MIXTURE" \
    --seed 421 "${FINE_TUNE_SHARED[@]}" --precision "$BF16" --start-segments 16 --max-segments 16 --eval-every 125 --bptt memory-efficient; fi
if runs 45; then phase "$OUT/phase45" --model "${PHASE45_FROM:-Models/default}" --task "$PHASE7_MIXTURE" \
    --seed 421 "${FINE_TUNE_SHARED[@]}" --precision fp32 --start-segments 8 --max-segments 8 --eval-every 125; fi
if runs 46; then phase "$OUT/phase46" --model "${PHASE46_FROM:-Models/default}" --task babi-qa2,babi-qa2,babi-qa3,reasoning,reasoning \
    --seed 421 "${FINE_TUNE_SHARED[@]}" --precision fp32 --start-segments 8 --max-segments 8 --eval-every 125; fi
if runs 47; then phase "$OUT/phase47" --model "${PHASE47_FROM:-Models/default}" --task "$PHASE7_MIXTURE" --seed 421 \
    --advance-on babi-qa2,babi-qa3 --adversarial-rate 0.1 --lr 1e-4 --backbone-lr 0 --warmup 10 --eval-every 50 \
    --eval-samples 280 --patience 1000 --max-steps-per-stage 100 --target-accuracy 1.0 --batch-size 8 \
    --precision fp32 --start-segments 8 --max-segments 8; fi
if runs 48; then phase "$OUT/phase48" --model "${PHASE48_FROM:-$OUT/phase47/model}" --task "$PHASE7_MIXTURE" \
    --seed 421 "${FINE_TUNE_SHARED[@]}" --precision fp32 --start-segments 8 --max-segments 8 --eval-every 125; fi
if runs 49; then
    cal=$OUT/calibration49  # the default's answers on the training distribution, and its calibrated model
    mkdir -p "$cal"
    if [ ! -s "$cal/predictions.jsonl" ]; then
        "$BIN/rmt-train" eval --model Models/default --noise "$N/fiction/train" "$N/reference/train" --seed 7 \
            --adversarial-rate 0.1 --task babi-qa2,babi-qa3,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 \
            --segments 8 --samples 96 --batch-size 8 --predictions "$cal/predictions.jsonl" --json > "$cal/eval.out"
    fi
    grep -E '"task":"(babi-qa2|reasoning)"' "$cal/predictions.jsonl" > "$cal/twice.jsonl"  # the mixture's weights
    [ -f "$cal/model/config.json" ] || "$BIN/rmt-tool" calibrate Models/default --predictions "$cal/predictions.jsonl" \
        --predictions "$cal/twice.jsonl" --out "$cal/model" > "$cal/fit.json"
    phase "$OUT/phase49" --model "${PHASE49_FROM:-$cal/model}" --task "$PHASE7_MIXTURE" \
        --seed 421 "${FINE_TUNE_SHARED[@]}" --precision fp32 --start-segments 8 --max-segments 8 --eval-every 125
fi
if runs 50; then phase "$OUT/phase50" --model "${PHASE50_FROM:-Models/default}" --task "$PHASE7_MIXTURE" \
    --loss-temperature babi-qa2=1.25,babi-qa3=1.56,reasoning=1.16,detect-distract=1.22,unknown=1.20,babi-qa1=1.22 \
    --seed 421 "${FINE_TUNE_SHARED[@]}" --precision fp32 --start-segments 8 --max-segments 8 --eval-every 125; fi
if runs 51; then phase "$OUT/phase51" --model "${PHASE51_FROM:-Models/default}" --task "$PHASE7_MIXTURE" \
    --seed 431 "${FINE_TUNE_SHARED[@]}" --precision fp32 --start-segments 8 --max-segments 8 --eval-every 125; fi
if runs 52; then phase "$OUT/phase52" --model "${PHASE52_FROM:-Models/default}" --task "$PHASE7_MIXTURE" \
    --distill-memory Models/default --distill-weight 10 \
    --seed 421 "${FINE_TUNE_SHARED[@]}" --precision fp32 --start-segments 8 --max-segments 8 --eval-every 125; fi
if runs 53; then phase "$OUT/phase53" --model "${PHASE53_FROM:-Models/default}" --task "$PHASE7_MIXTURE" \
    --distill-memory Models/default --distill-weight 100 \
    --seed 421 "${FINE_TUNE_SHARED[@]}" --precision fp32 --start-segments 8 --max-segments 8 --eval-every 125; fi
if runs 54; then phase "$OUT/phase54" --model "${PHASE54_FROM:-Models/default}" \
    --task reasoning,reasoning,reasoning,reasoning,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1,babi-qa2,babi-qa3 \
    --distill-memory Models/default --distill-weight 100 --advance-on reasoning --seed 541 --adversarial-rate 0.1 \
    --data-segment-length 320 --start-segments 4 --max-segments 4 --vary-segments-from 1 --lr 2e-5 --warmup 50 \
    --eval-every 250 --eval-samples 280 --patience 1000 --max-steps-per-stage 20000 --target-accuracy 1.0 \
    --batch-size 8 --precision fp32; fi
# Phases 55 and 56: the same-axis reasoning stories 4 of 14 episodes, plain reasoning 2, the eight other tasks once.
SAME_AXIS_MIXTURE=reasoning:same-axis,reasoning:same-axis,reasoning:same-axis,reasoning:same-axis,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1,babi-qa2,babi-qa3
if runs 55; then phase "$OUT/phase55" --model "${PHASE55_FROM:-Models/default}" \
    --task "$SAME_AXIS_MIXTURE" \
    --distill-memory Models/default --distill-weight 100 --advance-on reasoning,reasoning:same-axis --seed 541 --adversarial-rate 0.1 \
    --data-segment-length 320 --start-segments 4 --max-segments 4 --vary-segments-from 1 --lr 2e-5 --warmup 50 \
    --eval-every 250 --eval-samples 280 --patience 1000 --max-steps-per-stage 20000 --target-accuracy 1.0 \
    --batch-size 8 --precision fp32; fi
if runs 56; then phase "$OUT/phase56" --model "${PHASE56_FROM:-Models/default}" \
    --task "$SAME_AXIS_MIXTURE" \
    --advance-on reasoning,reasoning:same-axis --seed 561 --adversarial-rate 0.1 --data-segment-length 320 \
    --start-segments 1 --max-segments 1 --lr 5e-5 --warmup 50 --eval-every 250 --eval-samples 280 --patience 1000 \
    --max-steps-per-stage 20000 --target-accuracy 1.0 --batch-size 8 --precision fp32; fi
# Phases 57-59: qa2 and qa3 3 of 13 episodes each, the seven other tasks once.
PASSES_TASKS=babi-qa2,babi-qa2,babi-qa2,babi-qa3,babi-qa3,babi-qa3,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1,reasoning
PASSES_MIXTURE=(--model Models/default
    --task "$PASSES_TASKS"
    --cross-segment-rate 0.5 --seed 571 --adversarial-rate 0.1 --data-segment-length 128 --start-segments 4 --max-segments 4
    --vary-segments-from 2 --lr 3e-5 --warmup 50 --eval-every 250 --eval-samples 280 --patience 1000 --max-steps-per-stage 20000
    --target-accuracy 1.0 --batch-size 8 --precision fp32 --advance-on babi-qa2,babi-qa3)
if runs 57; then phase "$OUT/phase57" "${PASSES_MIXTURE[@]}" --passes 2; fi
if runs 58; then phase "$OUT/phase58" "${PASSES_MIXTURE[@]}"; fi
if runs 59; then phase "$OUT/phase59" --model "${PHASE59_FROM:-Models/default}" \
    --task "$PASSES_TASKS" \
    --cross-segment-rate 0.5 --seed 591 --adversarial-rate 0.1 --start-segments 2 --max-segments 7 --vary-segments-from 2 \
    --lr 3e-5 --warmup 50 --eval-every 150 --eval-samples 140 --patience 1000 --max-steps-per-stage 300 \
    --target-accuracy 1.0 --batch-size 8 --precision fp32 --advance-on babi-qa2,babi-qa3 --passes 2; fi
if runs 60; then phase "$OUT/phase60" --model "${PHASE60_FROM:-Models/default}" --task babi-qa2,babi-qa3 \
    --seed 521 --adversarial-rate 0.1 --data-segment-length 160 --start-segments 1 --max-segments 1 --lr 5e-5 --warmup 50 \
    --eval-every 300 --eval-samples 240 --patience 20 --max-steps-per-stage 2400 --target-accuracy 1.0 --batch-size 8; fi
with_flags PHASE61 PHASE6 --model "$OUT/phase60/model" --data-segment-length 160 --max-segments 4 --seed 611  # phase 6's flags from phase 60's model on 160-token data segments
if runs 61; then phase "$OUT/phase61" "${PHASE61[@]}"; fi
if runs 62; then phase "$OUT/phase62" --model "$OUT/phase61/model" "${PHASE7[@]}" --seed 621; fi
if runs 63; then phase "$OUT/phase63" --model "$OUT/phase62/model" "${PHASE11[@]}" --seed 631; fi
if runs 64; then phase "$OUT/phase64" --model "$OUT/phase60/model" "${PHASE7[@]}" --seed 641; fi
with_flags PHASE65 PHASE7 --start-segments 8 --max-segments 16  # phase 7's flags from 8 segments to 16
if runs 65; then phase "$OUT/phase65" --model "${PHASE65_FROM:-$OUT/phase62/model}" "${PHASE65[@]}" --seed 651 \
    --precision "$BF16" --bptt memory-efficient; fi
with_flags PHASE66 PHASE7 --start-segments 16 --max-segments 24  # phase 7's flags from 16 segments to 24
if runs 66; then phase "$OUT/phase66" --model "${PHASE66_FROM:-$OUT/phase62/model}" "${PHASE66[@]}" --seed 661 \
    --data-segment-length 64 --precision "$BF16"; fi
with_flags PHASE67 PHASE66 --lr 2e-5 --keep-optimizer - \
    --task babi-qa2,babi-qa2,babi-qa3,babi-qa3,reasoning,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1  # phase 66's flags steadied, qa3 twice
if runs 67; then phase "$OUT/phase67" --model "${PHASE67_FROM:-$OUT/phase62/model}" "${PHASE67[@]}" --seed 671 \
    --data-segment-length 64 --precision "$BF16"; fi
# Phases 68-70: phase 67's flags at 32, 48 and 64 segments of 64 data tokens (see the header)
with_flags PHASE68 PHASE67 --start-segments 32 --max-segments 32
with_flags PHASE69 PHASE67 --start-segments 48 --max-segments 48
with_flags PHASE70 PHASE67 --start-segments 64 --max-segments 64
if runs 68; then phase "$OUT/phase68" --model "${PHASE68_FROM:-$OUT/phase67/model}" "${PHASE68[@]}" --seed 681 \
    --data-segment-length 64 --precision "$BF16"; fi
if runs 69; then phase "$OUT/phase69" --model "${PHASE69_FROM:-$OUT/phase68/model}" "${PHASE69[@]}" --seed 691 \
    --data-segment-length 64 --precision "$BF16"; fi
if runs 70; then phase "$OUT/phase70" --model "${PHASE70_FROM:-$OUT/phase69/model}" "${PHASE70[@]}" --seed 701 \
    --data-segment-length 64 --precision "$BF16"; fi
if runs 71; then phase "$OUT/phase71" --model "${PHASE71_FROM:-$OUT/phase67/stages/18}" "${PHASE65[@]}" --seed 711 \
    --precision "$BF16" --bptt memory-efficient; fi  # phase 65's full segments 8 -> 16 from phase 67's stage 18
with_flags PHASE72 PHASE65 --lr 2e-5 --keep-optimizer -  # phase 71 at phase 67's rate, a fresh optimizer per stage
if runs 72; then phase "$OUT/phase72" --model "${PHASE72_FROM:-$OUT/phase67/stages/18}" "${PHASE72[@]}" --seed 721 \
    --precision "$BF16" --bptt memory-efficient; fi
if runs 73; then phase "$OUT/phase73" --model "${PHASE73_FROM:-$OUT/phase67/model}" "${PHASE68[@]}" --seed 681 \
    --data-segment-length 64 --precision "$BF16" --memory-gate --gate-lr 1e-3; fi  # phase 68 with a memory gate
if runs 74; then phase "$OUT/phase74" --model "${PHASE74_FROM:-$OUT/phase67/stages/18}" "${PHASE72[@]}" --seed 721 \
    --precision "$BF16" --bptt memory-efficient --memory-gate --gate-lr 1e-3; fi  # phase 72 with a memory gate
if runs 75; then phase "$OUT/phase75" --model "${PHASE75_FROM:-$OUT/phase67/stages/18}" "${PHASE67[@]}" --seed 751 \
    --data-segment-length 64 --precision "$BF16" --memory-gate --memory-gate-bias 0 --gate-lr 1e-3; fi  # a gate from Z = 1/2
if runs 76; then phase "$OUT/phase76" --model "${PHASE76_FROM:-$OUT/phase67/stages/18}" "${PHASE67[@]}" --seed 761 \
    --data-segment-length 64 --precision "$BF16" --memory-gate --memory-gate-bias -2 --gate-lr 1e-2; fi  # a gate that favours keeping
if runs 77; then phase "$OUT/phase77" --model "${PHASE77_FROM:-$OUT/phase76/model}" "${PHASE72[@]}" --seed 771 \
    --precision "$BF16" --bptt memory-efficient --memory-gate --gate-lr 1e-2; fi  # phase 76's gate on full segments
if runs 78; then phase "$OUT/phase78" --model "${PHASE78_FROM:-$OUT/phase67/stages/18}" "${PHASE72[@]}" --seed 781 \
    --precision "$BF16" --bptt memory-efficient --memory-gate --memory-gate-bias -2 --gate-lr 1e-2; fi  # a shut gate on full segments
if runs 79; then phase "$OUT/phase79" --model "${PHASE79_FROM:-$OUT/phase76/model}" "${PHASE70[@]}" --seed 791 \
    --data-segment-length 64 --precision "$BF16" --memory-gate --gate-lr 1e-2; fi  # phase 76's gate across 64 boundaries
if runs 80; then phase "$OUT/phase80" --model "${PHASE80_FROM:-$OUT/phase76-candidate}" "${PHASE67[@]}" --seed 801 \
    --data-segment-length 64 --precision "$BF16" --memory-gate --gate-lr 1e-2 --gate-penalty 1; fi  # a price on new memory
with_flags PHASE81 PHASE67 --eval-every 50 --patience 6  # judged twice as often, as patient in steps
if runs 81; then phase "$OUT/phase81" --model "${PHASE81_FROM:-$OUT/phase76-candidate}" "${PHASE81[@]}" --seed 811 \
    --data-segment-length 64-499 --precision "$BF16" --bptt memory-efficient --memory-gate --gate-lr 1e-2 --gate-penalty 1; fi  # ... at every density
if runs 82; then phase "$OUT/phase82" --model "${PHASE82_FROM:-$OUT/phase76-candidate}" "${PHASE67[@]}" --seed 821 \
    --data-segment-length 64 --precision "$BF16" --memory-gate --gate-lr 1e-2 --gate-penalty 0.1; fi  # a tenth of the price
if runs 83; then phase "$OUT/phase83" --model "${PHASE83_FROM:-Models/default}" "${PHASE67[@]}" --seed 831 \
    --data-segment-length 64 --precision fp32 --memory-gate --memory-gate-bias -2 --gate-lr 1e-2 --move-penalty 1; fi  # a price on the move
if runs 84; then phase "$OUT/phase84" --model "${PHASE83_FROM:-Models/default}" "${PHASE67[@]}" --seed 831 \
    --data-segment-length 64 --precision fp32 --memory-gate --memory-gate-bias -2 --gate-lr 1e-2; fi  # phase 83's control
if runs 85; then phase "$OUT/phase85" --model "${PHASE83_FROM:-Models/default}" "${PHASE67[@]}" --seed 831 \
    --data-segment-length 64 --precision fp32 --memory-gate --memory-gate-bias -2 --gate-lr 1e-2 \
    --move-penalty 1 --move-penalty-scope quiet; fi  # the price where no fact is
if runs 86; then phase "$OUT/phase86" --model "${PHASE83_FROM:-Models/default}" "${PHASE67[@]}" --seed 831 \
    --data-segment-length 64 --precision fp32 --memory-gate --memory-gate-bias -2 --gate-lr 1e-2 --move-penalty 3; fi  # 3x the price
if runs 87; then phase "$OUT/phase87" --model "${PHASE83_FROM:-Models/default}" "${PHASE67[@]}" --seed 831 \
    --data-segment-length 64 --precision fp32 --memory-gate --memory-gate-bias -2 --gate-lr 1e-2 --gate-penalty 0.1; fi  # phase 82's price from the default
if runs 33; then phase "$OUT/phase33" --model "${PHASE26_FROM:-Models/default}" --state-loss 1 --state-lr 3e-3 --state-hidden 512 "${PHASE33[@]}"; fi
if runs 23; then phase "$OUT/phase23" "${PHASE23[@]}" --neighbour-rate 0.1; fi
if runs 24; then phase "$OUT/phase24" "${PHASE23[@]}"; fi
if runs 25; then phase "$OUT/phase25" "${PHASE23[@]}" --neighbour-rate 0.3; fi
