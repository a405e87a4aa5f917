----------------------------- MODULE Leadership -----------------------------
(***************************************************************************)
(* The leadership protocol of spec/leadership.md: epochs unique per       *)
(* member, a lease granted by a majority of the ring file's N members,    *)
(* promises persisted before they are sent, quiet periods after restarts. *)
(*                                                                         *)
(* Members are the ranks 0..N-1 (the rank is also the id: HS's pick, the  *)
(* highest live id, is the highest live rank). Epoch of an attempt with    *)
(* counter k by member r: k*N + r.                                         *)
(*                                                                         *)
(* Messages. A member's current round sends one message to every other    *)
(* member: out[c] = [kind |-> "Request" | "Renew" | "Release", epoch]. It  *)
(* stays deliverable, to every member, any number of times, until c's next *)
(* round replaces it, even after c crashed: a delivery is any one copy     *)
(* arriving, a later delivery a duplicate or a late copy, never delivering *)
(* it a loss. Answers in flight to c are sets: pend[c] holds the members   *)
(* whose Grant or RenewAck of the current round is on its way (LoseAnswer  *)
(* drops one), refused[c] the highest promise a Refuse brings. The code    *)
(* numbers rounds and ignores answers of older ones; here a new round      *)
(* drops them (they would be ignored), and a late Request or Renew of an   *)
(* older round does at a member exactly what the current one does. A       *)
(* partition is loss on the cut links, so it needs no action of its own.   *)
(* A member answers a Request or Renew it does not grant with a Refuse    *)
(* only when the Refuse carries news (a promise above the epoch); the      *)
(* code's other refusals carry the holder of the grant, a hint the model  *)
(* leaves out: to the candidate they are the same as a lost answer.        *)
(*                                                                         *)
(* Faults: Crash loses the volatile state; Restart reloads promised and   *)
(* counter (Persist = FALSE is the sabotage that loses them) and starts a *)
(* quiet period, during which the member grants nothing.                  *)
(*                                                                         *)
(* Time. Tick is one unit of real time. In it, every member's monotonic   *)
(* clock advances by 1 .. 1+Rho, chosen by the adversary per member and   *)
(* per tick: over any interval two clocks differ in rate by a factor of at *)
(* most 1+Rho, which is the drift bound of the spec. Every timer is a      *)
(* countdown on its member's own clock, so the state space is finite with *)
(* no bound on time:                                                       *)
(*   grantLeft[j]  what is left of j's grant (set to GrantTicks, D), or of *)
(*                 its quiet period (holder = Quiet);                      *)
(*   roundLeft[i]  the lease i's current round would give: L at its send, *)
(*                 counting down from then (the lease runs from the send); *)
(*   leaseLeft[i]  what is left of i's lease: in office while > 0.         *)
(*                                                                         *)
(* Liveness. Stabilize is the moment faults stop (GST): it needs a        *)
(* majority up; after it nobody crashes or restarts, nothing is lost,     *)
(* every message between running members arrives and every pending step is *)
(* taken before the next tick (Timely), a leader renews every tick, and    *)
(* only the highest live member (HS's pick among members that all see each *)
(* other) attempts. Attempts before GST are bounded by MaxCounter and time *)
(* by MaxTime, so the model is finite; after GST the pick may use one     *)
(* counter more, above them all, and time is unbounded.                    *)
(*                                                                         *)
(* Constants:                                                              *)
(*   N            members (ranks 0..N-1)                                   *)
(*   Quorum       grants needed to take office: N \div 2 + 1 (less is the *)
(*                no-majority sabotage)                                    *)
(*   L            lease, in ticks of the leader's clock                    *)
(*   Rho          drift: a running clock advances 1..1+Rho per real tick   *)
(*   GrantTicks   D: how long a member keeps a grant; L*(1+Rho)+margin    *)
(*   QuietTicks   a restarted member's quiet period: D (0 is a sabotage)   *)
(*   WaitForExpiry  FALSE is the sabotage where a member grants a new     *)
(*                epoch while it holds an unexpired grant to another       *)
(*   Persist      FALSE is the sabotage where a restart loses the state   *)
(*   Attempters   the members that may attempt before GST (all of them, or *)
(*                fewer to keep a model small); after GST, HS's pick       *)
(*   MaxCounter   attempts per member before GST                           *)
(*   MaxCrashes   crashes in a behaviour                                   *)
(*   MaxTime      ticks before GST: the faults happen in the first MaxTime *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS N, Quorum, L, Rho, GrantTicks, QuietTicks, WaitForExpiry, Persist,
          Attempters, MaxCounter, MaxCrashes, MaxTime

ASSUME N \in Nat /\ N >= 1 /\ Quorum \in 1 .. N
ASSUME L \in Nat /\ L >= 1 /\ Rho \in Nat /\ GrantTicks \in Nat /\ QuietTicks \in Nat
ASSUME WaitForExpiry \in BOOLEAN /\ Persist \in BOOLEAN
ASSUME Attempters \subseteq 0 .. N - 1
ASSUME MaxCounter \in Nat /\ MaxCounter >= 1 /\ MaxCrashes \in Nat /\ MaxTime \in Nat

Member == 0 .. N - 1
Majority == N \div 2 + 1
None == N                                  \* no holder
Quiet == N + 1                             \* holder during a quiet period
Epochs == N .. (MaxCounter + 2) * N - 1    \* counters 1 .. MaxCounter + 1
NoMsg == [kind |-> "None", epoch |-> 0]

VARIABLES
  up,         \* up[i]: running
  promised,   \* persisted: highest epoch i granted (0: none)
  counter,    \* persisted: i's highest attempt counter
  holder,     \* volatile: the member i's grant is to, None, or Quiet
  grantLeft,  \* volatile: what is left of that grant (or quiet period)
  role,       \* "follower", "candidate" or "leader"
  epoch,      \* the epoch of i's attempt (0: none)
  answers,    \* members whose answer to i's current round i has (i included)
  roundLeft,  \* the lease i's current round would give, counting down
  leaseLeft,  \* what is left of i's lease
  out,        \* i's current round's message to every other member
  pend,       \* members whose answer to i's current round is in flight
  refused,    \* the highest promise a Refuse in flight to i brings (0: none)
  inc,        \* incarnation: restarts of i (names a term)
  crashes,    \* crashes so far
  elapsed,    \* ticks before GST
  gst,        \* faults have stopped
  terms,      \* history: every [epoch, leader, inc] that took office
  granted     \* history: every <<member, epoch>> granted

vars == <<up, promised, counter, holder, grantLeft, role, epoch, answers,
          roundLeft, leaseLeft, out, pend, refused, inc, crashes, elapsed, gst,
          terms, granted>>

Max(a, b) == IF a > b THEN a ELSE b
Sub(x, a) == IF x > a THEN x - a ELSE 0

InOffice(i) == up[i] /\ role[i] = "leader" /\ leaseLeft[i] > 0

\* A restarted member's quiet period is a grant to nobody: it grants nothing.
InQuiet(j) == holder[j] = Quiet /\ grantLeft[j] > 0

\* j may grant c: it holds no unexpired grant to another member.
FreeToGrant(j, c) ==
  ~WaitForExpiry \/ holder[j] \in {None, Quiet, c} \/ grantLeft[j] = 0

\* HS's pick once every live member sees every other: the highest live id.
Preferred == CHOOSE i \in Member : up[i] /\ \A j \in Member : up[j] => j <= i

Init ==
  /\ up = [i \in Member |-> TRUE]
  /\ promised = [i \in Member |-> 0]
  /\ counter = [i \in Member |-> 0]
  /\ holder = [i \in Member |-> None]
  /\ grantLeft = [i \in Member |-> 0]
  /\ role = [i \in Member |-> "follower"]
  /\ epoch = [i \in Member |-> 0]
  /\ answers = [i \in Member |-> {}]
  /\ roundLeft = [i \in Member |-> 0]
  /\ leaseLeft = [i \in Member |-> 0]
  /\ out = [i \in Member |-> NoMsg]
  /\ pend = [i \in Member |-> {}]
  /\ refused = [i \in Member |-> 0]
  /\ inc = [i \in Member |-> 0]
  /\ crashes = 0
  /\ elapsed = 0
  /\ gst = FALSE
  /\ terms = {}
  /\ granted = {}

-----------------------------------------------------------------------------
(* Candidate and leader *)

\* A counter above i's own whose epoch is above every epoch i has seen: its
\* promise, and the promises Refuses brought (StepDownOnRefuse raised the
\* counter for those).
NextCounter(i) == Max(counter[i], promised[i] \div N) + 1

\* A new round of i: its own grant renewed, answers of older rounds dropped.
NewRound(i, kind, e) ==
  /\ holder' = [holder EXCEPT ![i] = i]
  /\ grantLeft' = [grantLeft EXCEPT ![i] = GrantTicks]
  /\ answers' = [answers EXCEPT ![i] = {i}]
  /\ roundLeft' = [roundLeft EXCEPT ![i] = L]
  /\ out' = [out EXCEPT ![i] = [kind |-> kind, epoch |-> e]]
  /\ pend' = [pend EXCEPT ![i] = {}]

\* i persists its counter and its own promise, then asks every member.
RequestGrants(i) ==
  LET k == NextCounter(i)
      e == k * N + i
  IN
  /\ up[i] /\ role[i] = "follower" /\ ~InQuiet(i)
  /\ FreeToGrant(i, i)
  /\ k <= MaxCounter + (IF gst THEN 1 ELSE 0)
  /\ IF gst THEN i = Preferred ELSE i \in Attempters
  /\ counter' = [counter EXCEPT ![i] = k]
  /\ promised' = [promised EXCEPT ![i] = e]
  /\ granted' = granted \cup {<<i, e>>}
  /\ role' = [role EXCEPT ![i] = "candidate"]
  /\ epoch' = [epoch EXCEPT ![i] = e]
  /\ refused' = [refused EXCEPT ![i] = 0]
  /\ NewRound(i, "Request", e)
  /\ UNCHANGED <<up, leaseLeft, inc, crashes, elapsed, gst, terms>>

\* A candidate without a majority asks again, at most once a tick: a new
\* round, measured from this send.
SendRequest(i) ==
  /\ up[i] /\ role[i] = "candidate" /\ roundLeft[i] < L
  /\ promised[i] = epoch[i]
  /\ gst => i = Preferred
  /\ NewRound(i, "Request", epoch[i])
  /\ UNCHANGED <<up, promised, counter, role, epoch, leaseLeft, refused, inc,
                 crashes, elapsed, gst, terms, granted>>

\* A majority granted the current round, whose lease is not over yet.
TakeOffice(i) ==
  /\ up[i] /\ role[i] = "candidate" /\ promised[i] = epoch[i]
  /\ Cardinality(answers[i]) >= Quorum /\ roundLeft[i] > 0
  /\ role' = [role EXCEPT ![i] = "leader"]
  /\ leaseLeft' = [leaseLeft EXCEPT ![i] = roundLeft[i]]
  /\ terms' = terms \cup {[epoch |-> epoch[i], leader |-> i, inc |-> inc[i]]}
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, epoch, answers,
                 roundLeft, out, pend, refused, inc, crashes, elapsed, gst, granted>>

\* The heartbeat: at most once a tick, a new round of renewals.
SendRenew(i) ==
  /\ InOffice(i) /\ roundLeft[i] < L /\ promised[i] = epoch[i]
  /\ NewRound(i, "Renew", epoch[i])
  /\ UNCHANGED <<up, promised, counter, role, epoch, leaseLeft, refused, inc,
                 crashes, elapsed, gst, terms, granted>>

\* A majority acknowledged the current round: the lease runs from its send.
ExtendLease(i) ==
  /\ InOffice(i) /\ Cardinality(answers[i]) >= Quorum
  /\ leaseLeft[i] < roundLeft[i]
  /\ leaseLeft' = [leaseLeft EXCEPT ![i] = roundLeft[i]]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch, answers,
                 roundLeft, out, pend, refused, inc, crashes, elapsed, gst, terms, granted>>

\* The lease is over: leave office (a new attempt will have a new epoch).
StepDown(i) ==
  /\ up[i] /\ role[i] = "leader" /\ leaseLeft[i] = 0
  /\ role' = [role EXCEPT ![i] = "follower"]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, epoch, answers,
                 roundLeft, leaseLeft, out, pend, refused, inc, crashes, elapsed,
                 gst, terms, granted>>

\* A candidate backs off (refused, no majority, or its view changed). After
\* GST only a candidate that is not HS's pick does.
Abandon(i) ==
  /\ up[i] /\ role[i] = "candidate"
  /\ gst => i # Preferred
  /\ role' = [role EXCEPT ![i] = "follower"]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, epoch, answers,
                 roundLeft, leaseLeft, out, pend, refused, inc, crashes, elapsed,
                 gst, terms, granted>>

\* The application's work has returned: leave office, then release the grants.
Resign(i) ==
  /\ InOffice(i) /\ ~gst
  /\ role' = [role EXCEPT ![i] = "follower"]
  /\ leaseLeft' = [leaseLeft EXCEPT ![i] = 0]
  /\ holder' = [holder EXCEPT ![i] = None]
  /\ grantLeft' = [grantLeft EXCEPT ![i] = 0]
  /\ out' = [out EXCEPT ![i] = [kind |-> "Release", epoch |-> epoch[i]]]
  /\ pend' = [pend EXCEPT ![i] = {}]
  /\ UNCHANGED <<up, promised, counter, epoch, answers, roundLeft, refused, inc,
                 crashes, elapsed, gst, terms, granted>>

\* An answer of the current round arrives.
ReceiveAnswer(i, j) ==
  /\ up[i] /\ j \in pend[i]
  /\ answers' = [answers EXCEPT ![i] = @ \cup {j}]
  /\ pend' = [pend EXCEPT ![i] = @ \ {j}]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch,
                 roundLeft, leaseLeft, out, refused, inc, crashes, elapsed, gst,
                 terms, granted>>

\* A Refuse with a higher promise: the attempt or the term is over.
StepDownOnRefuse(i) ==
  /\ up[i] /\ refused[i] > 0
  /\ role' = [role EXCEPT ![i] = "follower"]
  /\ leaseLeft' = [leaseLeft EXCEPT ![i] = 0]
  /\ counter' = [counter EXCEPT ![i] = Max(@, refused[i] \div N)]
  /\ refused' = [refused EXCEPT ![i] = 0]
  /\ UNCHANGED <<up, promised, holder, grantLeft, epoch, answers, roundLeft,
                 out, pend, inc, crashes, elapsed, gst, terms, granted>>

-----------------------------------------------------------------------------
(* Members receiving c's current message *)

\* A new epoch above the promise, with no unexpired grant to another, or
\* the repeat of the epoch promised (a retry: the same grant again).
CanGrant(j, e, c) ==
  /\ ~InQuiet(j)
  /\ \/ e > promised[j] /\ FreeToGrant(j, c)
     \/ e = promised[j]

\* An answer reaches c only if c is running and still in that round.
Answer(c, j) ==
  pend' = [pend EXCEPT ![c] = IF up[c] /\ j \notin answers[c] THEN @ \cup {j} ELSE @]

\* Request(e): persist the promise, then Grant. A member that grants a
\* higher epoch gives up its own attempt or term.
GrantEpoch(j, c) ==
  LET e == out[c].epoch IN
  /\ j # c /\ up[j] /\ out[c].kind = "Request" /\ CanGrant(j, e, c)
  /\ promised' = [promised EXCEPT ![j] = e]
  /\ granted' = granted \cup {<<j, e>>}
  /\ holder' = [holder EXCEPT ![j] = c]
  /\ grantLeft' = [grantLeft EXCEPT ![j] = GrantTicks]
  /\ IF e > promised[j] /\ role[j] # "follower"
       THEN /\ role' = [role EXCEPT ![j] = "follower"]
            /\ leaseLeft' = [leaseLeft EXCEPT ![j] = 0]
       ELSE UNCHANGED <<role, leaseLeft>>
  /\ Answer(c, j)
  /\ UNCHANGED <<up, counter, epoch, answers, roundLeft, out, refused, inc,
                 crashes, elapsed, gst, terms>>

\* A Request or Renew of an epoch below the promise: answer with the promise.
RefuseEpoch(j, c) ==
  /\ j # c /\ up[j] /\ up[c] /\ out[c].kind \in {"Request", "Renew"}
  /\ out[c].epoch < promised[j] /\ refused[c] < promised[j]
  /\ refused' = [refused EXCEPT ![c] = promised[j]]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch, answers,
                 roundLeft, leaseLeft, out, pend, inc, crashes, elapsed, gst,
                 terms, granted>>

\* Renew(e) of the promised epoch: the grant runs D again from now.
AckRenew(j, c) ==
  /\ j # c /\ up[j] /\ out[c].kind = "Renew" /\ ~InQuiet(j)
  /\ out[c].epoch = promised[j]
  /\ holder' = [holder EXCEPT ![j] = c]
  /\ grantLeft' = [grantLeft EXCEPT ![j] = GrantTicks]
  /\ Answer(c, j)
  /\ UNCHANGED <<up, promised, counter, role, epoch, answers, roundLeft,
                 leaseLeft, out, refused, inc, crashes, elapsed, gst, terms, granted>>

\* Release(e) from the holder of the grant: drop it (the promise stays).
ReleaseGrant(j, c) ==
  /\ j # c /\ up[j] /\ out[c].kind = "Release"
  /\ holder[j] = c /\ promised[j] = out[c].epoch
  /\ holder' = [holder EXCEPT ![j] = None]
  /\ grantLeft' = [grantLeft EXCEPT ![j] = 0]
  /\ UNCHANGED <<up, promised, counter, role, epoch, answers, roundLeft,
                 leaseLeft, out, pend, refused, inc, crashes, elapsed, gst, terms, granted>>

\* Loss of an answer, before GST (a lost Request or Renew is one never delivered).
LoseAnswer(i, j) ==
  /\ ~gst /\ j \in pend[i]
  /\ pend' = [pend EXCEPT ![i] = @ \ {j}]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch, answers,
                 roundLeft, leaseLeft, out, refused, inc, crashes, elapsed, gst,
                 terms, granted>>

-----------------------------------------------------------------------------
(* Faults and time *)

Crash(i) ==
  /\ up[i] /\ ~gst /\ crashes < MaxCrashes
  /\ up' = [up EXCEPT ![i] = FALSE]
  /\ crashes' = crashes + 1
  /\ holder' = [holder EXCEPT ![i] = None]
  /\ grantLeft' = [grantLeft EXCEPT ![i] = 0]
  /\ role' = [role EXCEPT ![i] = "follower"]
  /\ epoch' = [epoch EXCEPT ![i] = 0]
  /\ answers' = [answers EXCEPT ![i] = {}]
  /\ roundLeft' = [roundLeft EXCEPT ![i] = 0]
  /\ leaseLeft' = [leaseLeft EXCEPT ![i] = 0]
  /\ pend' = [pend EXCEPT ![i] = {}]
  /\ refused' = [refused EXCEPT ![i] = 0]
  /\ UNCHANGED <<promised, counter, out, inc, elapsed, gst, terms, granted>>

\* The state directory is reloaded (unless Persist is sabotaged); the timers
\* did not survive, so the member grants nothing for a quiet period.
Restart(i) ==
  /\ ~up[i] /\ ~gst
  /\ up' = [up EXCEPT ![i] = TRUE]
  /\ inc' = [inc EXCEPT ![i] = @ + 1]
  /\ holder' = [holder EXCEPT ![i] = Quiet]
  /\ grantLeft' = [grantLeft EXCEPT ![i] = QuietTicks]
  /\ IF Persist THEN UNCHANGED <<promised, counter>>
       ELSE /\ promised' = [promised EXCEPT ![i] = 0]
            /\ counter' = [counter EXCEPT ![i] = 0]
  /\ UNCHANGED <<role, epoch, answers, roundLeft, leaseLeft, out, pend, refused,
                 crashes, elapsed, gst, terms, granted>>

\* Faults stop, with a majority up.
Stabilize ==
  /\ ~gst /\ Cardinality({i \in Member : up[i]}) >= Majority
  /\ gst' = TRUE
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch, answers,
                 roundLeft, leaseLeft, out, pend, refused, inc, crashes, elapsed,
                 terms, granted>>

\* A delivery of c's current message to j that would change something.
Due(j, c) ==
  /\ j # c /\ up[j] /\ up[c]
  /\ \/ out[c].kind = "Request" /\ CanGrant(j, out[c].epoch, c)
        /\ j \notin answers[c] \cup pend[c]
     \/ out[c].kind = "Renew" /\ ~InQuiet(j) /\ out[c].epoch = promised[j]
        /\ j \notin answers[c] \cup pend[c]
     \/ out[c].kind \in {"Request", "Renew"}
        /\ out[c].epoch < promised[j] /\ refused[c] < promised[j]
     \/ out[c].kind = "Release" /\ holder[j] = c /\ promised[j] = out[c].epoch

\* After GST, a tick waits for every message between running members to
\* arrive and every pending step to be taken; a leader in office has sent
\* this tick's renewal.
Timely ==
  /\ \A j, c \in Member : ~Due(j, c)
  /\ \A i \in Member : up[i] =>
       /\ pend[i] = {}
       /\ ~(refused[i] > 0 /\ role[i] # "follower")
       /\ ~(role[i] = "candidate" /\ promised[i] = epoch[i]
            /\ Cardinality(answers[i]) >= Quorum /\ roundLeft[i] > 0)
       /\ InOffice(i) => roundLeft[i] = L
       /\ InOffice(i) /\ Cardinality(answers[i]) >= Quorum => leaseLeft[i] = roundLeft[i]

\* One unit of real time: each running clock advances 1 .. 1+Rho.
Tick ==
  /\ IF gst THEN Timely ELSE elapsed < MaxTime
  /\ elapsed' = IF gst THEN elapsed ELSE elapsed + 1
  /\ \E adv \in [Member -> 1 .. 1 + Rho] :
       /\ grantLeft' = [i \in Member |-> Sub(grantLeft[i], adv[i])]
       /\ roundLeft' = [i \in Member |-> Sub(roundLeft[i], adv[i])]
       /\ leaseLeft' = [i \in Member |-> Sub(leaseLeft[i], adv[i])]
  /\ UNCHANGED <<up, promised, counter, holder, role, epoch, answers, out, pend,
                 refused, inc, crashes, gst, terms, granted>>

Next ==
  \/ \E i \in Member :
       \/ RequestGrants(i) \/ SendRequest(i) \/ TakeOffice(i) \/ SendRenew(i)
       \/ ExtendLease(i) \/ StepDown(i) \/ Abandon(i) \/ Resign(i)
       \/ StepDownOnRefuse(i) \/ Crash(i) \/ Restart(i)
  \/ \E j, c \in Member :
       \/ GrantEpoch(j, c) \/ RefuseEpoch(j, c) \/ AckRenew(j, c)
       \/ ReleaseGrant(j, c) \/ ReceiveAnswer(c, j) \/ LoseAnswer(c, j)
  \/ Stabilize
  \/ Tick

Spec == Init /\ [][Next]_vars

\* Fairness: every protocol step that stays possible is taken; time passes.
Fairness ==
  /\ \A i \in Member :
       /\ WF_vars(RequestGrants(i)) /\ WF_vars(SendRequest(i))
       /\ WF_vars(TakeOffice(i)) /\ WF_vars(SendRenew(i))
       /\ WF_vars(ExtendLease(i)) /\ WF_vars(StepDown(i)) /\ WF_vars(Abandon(i))
       /\ WF_vars(StepDownOnRefuse(i))
  /\ \A j, c \in Member :
       /\ WF_vars(Due(j, c) /\ (GrantEpoch(j, c) \/ RefuseEpoch(j, c)
                                \/ AckRenew(j, c) \/ ReleaseGrant(j, c)))
       /\ WF_vars(ReceiveAnswer(c, j))
  /\ WF_vars(Tick)

FairSpec == Spec /\ Fairness

-----------------------------------------------------------------------------
(* Properties *)

TypeOK ==
  /\ up \in [Member -> BOOLEAN]
  /\ promised \in [Member -> {0} \cup Epochs]
  /\ counter \in [Member -> 0 .. MaxCounter + 1]
  /\ holder \in [Member -> Member \cup {None, Quiet}]
  /\ grantLeft \in [Member -> 0 .. Max(GrantTicks, QuietTicks)]
  /\ role \in [Member -> {"follower", "candidate", "leader"}]
  /\ epoch \in [Member -> {0} \cup Epochs]
  /\ answers \in [Member -> SUBSET Member]
  /\ roundLeft \in [Member -> 0 .. L]
  /\ leaseLeft \in [Member -> 0 .. L]
  /\ \A i \in Member : out[i].kind \in {"None", "Request", "Renew", "Release"}
  /\ pend \in [Member -> SUBSET Member]
  /\ refused \in [Member -> {0} \cup Epochs]
  /\ crashes \in 0 .. MaxCrashes
  /\ elapsed \in 0 .. MaxTime
  /\ gst \in BOOLEAN

\* At most one member ever takes office in an epoch, and only once.
OneLeaderPerEpoch == \A s, t \in terms : s.epoch = t.epoch => s = t

\* A member's promise never falls below an epoch it granted, so it never
\* grants a lower one afterwards; every term had grants from a majority of
\* the N members.
EpochsIncrease ==
  /\ \A g \in granted : g[2] <= promised[g[1]]
  /\ \A t \in terms : Cardinality({j \in Member : <<j, t.epoch>> \in granted}) >= Majority

\* No two members believe they are in office at the same real time (every
\* state is an instant of real time: Tick is the only step that takes time).
NoOverlappingLeases == \A i, j \in Member : InOffice(i) /\ InOffice(j) => i = j

\* Once faults stop, a leader is in office.
Liveness == gst ~> (\E i \in Member : InOffice(i))
=============================================================================
