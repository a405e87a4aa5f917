--------------------------- MODULE LeadershipTrace ---------------------------
(***************************************************************************)
(* Trace validation of the leadership protocol: the safety-relevant state  *)
(* of tla/Leadership.tla (what each member persisted, the grants it gave,  *)
(* who is in office) driven by the simulator's observable events, one step *)
(* per event of Trace, with Leadership.tla's safety guards. Standalone:    *)
(* Leadership.tla abstracts time and messages, so its steps do not map one *)
(* to one onto simulator events; spec/leadership.md says what this checks. *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS N,      \* members, ranks 0..N-1; epoch e belongs to rank e % N
          Trace   \* the events: [ev, m, to, e, p, c, lost]

Members == 0 .. N - 1
None == -1

VARIABLES
  i,        \* the next event of Trace to replay
  up,       \* up[m]: the member's process runs
  disk,     \* disk[m]: its durable state [p |-> promised, c |-> counter]
  granted,  \* granted[m]: the <<epoch, to>> grants it ever sent (itself included on RequestGrants)
  quiet,    \* quiet[m]: it restarted less than one grant period ago (on its clock)
  office,   \* office[m]: the epoch it is in office for, or None
  terms     \* every TakeOffice in order: <<member, epoch>>

vars == <<i, up, disk, granted, quiet, office, terms>>

Fresh == [p |-> None, c |-> 0]

Init ==
  /\ i = 1
  /\ up = [m \in Members |-> FALSE]
  /\ disk = [m \in Members |-> Fresh]
  /\ granted = [m \in Members |-> {}]
  /\ quiet = [m \in Members |-> FALSE]
  /\ office = [m \in Members |-> None]
  /\ terms = <<>>

\* A persist became durable; promises and the counter never go back.
Persist(m, p, c) ==
  /\ up[m]
  /\ p >= disk[m].p /\ c >= disk[m].c
  /\ disk' = [disk EXCEPT ![m] = [p |-> p, c |-> c]]
  /\ UNCHANGED <<up, granted, quiet, office, terms>>

\* m sends a Grant of e to its owner `to` (to = m: its own vote, as its Requests leave):
\* only once its promise of e is durable, e is the highest it promised, and out of its quiet period.
Grant(m, to, e) ==
  /\ up[m]
  /\ ~quiet[m]
  /\ e % N = to
  /\ disk[m].p = e
  /\ granted' = [granted EXCEPT ![m] = @ \cup {<<e, to>>}]
  /\ UNCHANGED <<up, disk, quiet, office, terms>>

Voters(m, e) == {j \in Members : <<e, m>> \in granted[j]}

\* m takes office for its own epoch e with grants of e from a majority of distinct members.
TakeOffice(m, e) ==
  /\ up[m]
  /\ office[m] = None
  /\ e % N = m
  /\ 2 * Cardinality(Voters(m, e)) > N
  /\ office' = [office EXCEPT ![m] = e]
  /\ terms' = Append(terms, <<m, e>>)
  /\ UNCHANGED <<up, disk, granted, quiet>>

StepDown(m) ==
  /\ office[m] /= None
  /\ office' = [office EXCEPT ![m] = None]
  /\ UNCHANGED <<up, disk, granted, quiet, terms>>

\* A crash loses all volatile state; the disk survives unless the state directory is lost.
Crash(m, lost) ==
  /\ up[m]
  /\ up' = [up EXCEPT ![m] = FALSE]
  /\ office' = [office EXCEPT ![m] = None]
  /\ disk' = IF lost THEN [disk EXCEPT ![m] = Fresh] ELSE disk
  /\ UNCHANGED <<granted, quiet, terms>>

\* A (re)started member grants nothing for a quiet period: grants it gave before may be live.
Restart(m) ==
  /\ ~up[m]
  /\ up' = [up EXCEPT ![m] = TRUE]
  /\ quiet' = [quiet EXCEPT ![m] = TRUE]
  /\ UNCHANGED <<disk, granted, office, terms>>

EndQuiet(m) ==
  /\ up[m] /\ quiet[m]
  /\ quiet' = [quiet EXCEPT ![m] = FALSE]
  /\ UNCHANGED <<up, disk, granted, office, terms>>

Step(ev) ==
  CASE ev.ev = "Persist" -> Persist(ev.m, ev.p, ev.c)
    [] ev.ev = "Grant" -> Grant(ev.m, ev.to, ev.e)
    [] ev.ev = "TakeOffice" -> TakeOffice(ev.m, ev.e)
    [] ev.ev = "StepDown" -> StepDown(ev.m)
    [] ev.ev = "Crash" -> Crash(ev.m, ev.lost)
    [] ev.ev = "Restart" -> Restart(ev.m)
    [] ev.ev = "EndQuiet" -> EndQuiet(ev.m)
    [] OTHER -> FALSE

Next ==
  \/ i <= Len(Trace) /\ Step(Trace[i]) /\ i' = i + 1
  \/ i > Len(Trace) /\ UNCHANGED vars   \* replayed to the end: not a deadlock

\* At most one TakeOffice ever in an epoch.
OneLeaderPerEpoch ==
  \A k, l \in 1 .. Len(terms) : terms[k][2] = terms[l][2] => k = l

\* TakeOffice epochs increase in the order the terms began.
EpochsIncrease ==
  \A k \in 1 .. Len(terms) - 1 : terms[k][2] < terms[k + 1][2]

\* Two members in office at once hold different epochs.
OfficeEpochsDistinct ==
  \A a, b \in Members : a /= b /\ office[a] /= None => office[a] /= office[b]
==============================================================================
