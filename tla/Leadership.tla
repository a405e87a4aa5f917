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
(* Messages. A member's current message goes to every other member:     *)
(* out[c] = [kind |-> "Request" | "Renew" | "Release", epoch]. It stays    *)
(* deliverable, to every member, any number of times, until c's next one  *)
(* replaces it, even after c crashed: a delivery is any one copy arriving, *)
(* a later delivery a re-send, a duplicate or a late copy, never           *)
(* delivering it a loss. As in the code, a Request has no round: its re-   *)
(* sends are more deliveries of it, Grants are counted across them and the *)
(* lease is measured from the first send. A Renew is a round: a new round  *)
(* replaces the last (the code also counts acks of older rounds; such an   *)
(* extension is the model's behaviour with the newer round sent later).    *)
(* Answers in flight to c are sets: pend[c] holds the members whose Grant  *)
(* or RenewAck of c's current message is on its way (LoseAnswer drops     *)
(* one). A Refuse matters to the candidate only for the promise it brings  *)
(* (the next epoch is chosen above it, seen[c]); the code's other uses of  *)
(* it (abandon when N-Q+1 refuse as stale) are abandonments, which the     *)
(* model allows at any time before GST. A leader never steps down on a    *)
(* Refuse: it keeps office while a majority acks and leaves at lease end,  *)
(* or when it hears a Renew of a higher epoch (Deposed). A partition is    *)
(* loss on the cut links, so it needs no action of its own.               *)
(*                                                                         *)
(* Faults: Crash loses the volatile state; Restart reloads promised and   *)
(* counter (Persist = FALSE is the sabotage that loses them) and starts a *)
(* quiet period, during which the member grants no new epoch; it still    *)
(* acks a Renew of the epoch it promised (the only grant given before the *)
(* crash that can still be live is to that epoch's owner).                *)
(*                                                                         *)
(* Time. Tick is one unit of real time. In it, every member's monotonic   *)
(* clock advances by 1 .. 1+Rho, chosen by the adversary per member and   *)
(* per tick: over any interval two clocks differ in rate by a factor of at *)
(* most 1+Rho, which is the drift bound of the spec. Every timer is a      *)
(* countdown on its member's own clock, so the state space is finite with *)
(* no bound on time:                                                       *)
(*   grantLeft[j]  what is left of j's grant (set to GrantTicks, D), or of *)
(*                 its quiet period (holder = Quiet);                      *)
(*   roundLeft[i]  the lease i's attempt or current Renew round would     *)
(*                 give: L at its send, counting down from then;           *)
(*   leaseLeft[i]  what is left of i's lease: in office while > 0.         *)
(*                                                                         *)
(* Liveness. Stabilize is the moment faults stop (GST): it needs a         *)
(* majority up; after it nobody crashes or restarts, nothing is lost,      *)
(* every message between running members arrives and every pending step is *)
(* taken before the next tick (Timely), no copy of a message its sender no *)
(* longer sends arrives (duplication is finite), a leader renews every     *)
(* tick, and only the highest live member not in its quiet period (the    *)
(* pick of a view that holds every live member) stands. Attempts before   *)
(* GST are bounded by MaxCounter and time by MaxTime, so the model is      *)
(* finite. After GST the                                                   *)
(* pick may use one counter more, above them all; where the code abandons  *)
(* an attempt that ran out of time and stands again with a higher epoch,   *)
(* the model (to keep epochs finite) lets such a candidate send its        *)
(* Request again as a new round, its lease measured from the new send.     *)
(* Time is unbounded.                                                      *)
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
(*   Electable    the members that may ever stand: the others are the     *)
(*                ring file's vote-only members, which grant and renew    *)
(*                but never stand                                          *)
(*   Attempters   the members that may attempt before GST (all electable  *)
(*                ones, or fewer to keep a model small); after GST, the   *)
(*                pick                                                     *)
(*   MaxCounter   attempts per member before GST                           *)
(*   MaxCrashes   crashes in a behaviour                                   *)
(*   MaxTime      ticks before GST: the faults happen in the first MaxTime *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS N, Quorum, L, Rho, GrantTicks, QuietTicks, WaitForExpiry, Persist,
          Electable, Attempters, MaxCounter, MaxCrashes, MaxTime

ASSUME N \in Nat /\ N >= 1 /\ Quorum \in 1 .. N
ASSUME L \in Nat /\ L >= 1 /\ Rho \in Nat /\ GrantTicks \in Nat /\ QuietTicks \in Nat
ASSUME WaitForExpiry \in BOOLEAN /\ Persist \in BOOLEAN
ASSUME Electable \subseteq 0 .. N - 1 /\ Electable # {}
ASSUME Attempters \subseteq Electable
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
  epoch,      \* the epoch of i's attempt or term (0: none)
  answers,    \* members whose answer to i's current message i has (i included)
  roundLeft,  \* the lease i's attempt or Renew round would give, counting down
  leaseLeft,  \* what is left of i's lease
  out,        \* i's current message to every other member
  pend,       \* members whose answer to i's current message is in flight
  seen,       \* volatile: the highest promise a Refuse brought to i (0: none)
  inc,        \* incarnation: restarts of i (names a term)
  crashes,    \* crashes so far
  elapsed,    \* ticks before GST
  gst,        \* faults have stopped
  terms,      \* history: every [epoch, leader, inc] that took office
  granted     \* history: every <<member, epoch>> granted

vars == <<up, promised, counter, holder, grantLeft, role, epoch, answers,
          roundLeft, leaseLeft, out, pend, seen, inc, crashes, elapsed, gst,
          terms, granted>>

Max(a, b) == IF a > b THEN a ELSE b
Sub(x, a) == IF x > a THEN x - a ELSE 0

InOffice(i) == up[i] /\ role[i] = "leader" /\ leaseLeft[i] > 0

\* A restarted member's quiet period is a grant to nobody: it grants nothing.
InQuiet(j) == holder[j] = Quiet /\ grantLeft[j] > 0

\* j may grant c: it holds no unexpired grant to another member.
FreeToGrant(j, c) ==
  ~WaitForExpiry \/ holder[j] \in {None, Quiet, c} \/ grantLeft[j] = 0

\* The pick of a view holding every live member: the highest live id that
\* is neither vote-only nor in its quiet period (its heartbeats say so),
\* None while every such member is quiet (after GST the models keep an
\* electable member up, and its quiet period ends).
Pickable(i) == i \in Electable /\ up[i] /\ ~InQuiet(i)
Preferred ==
  IF \E i \in Member : Pickable(i)
  THEN CHOOSE i \in Member : Pickable(i) /\ \A j \in Member : Pickable(j) => j <= i
  ELSE None

\* c still sends its current message: a Request while it stands, a Renew
\* while it leads. After GST a copy arrives before the next tick, so no
\* copy of a message its sender no longer sends (or of a crashed sender's)
\* is delivered then: the network duplicates finitely.
Sending(c) ==
  /\ up[c]
  /\ out[c].kind = "Request" => role[c] = "candidate"
  /\ out[c].kind = "Renew" => role[c] = "leader"

\* A Renew of an epoch above i's attempt or term is deliverable: i leaves it.
Deposed(i) ==
  \E c \in Member : out[c].kind = "Renew" /\ out[c].epoch > epoch[i] /\ (gst => Sending(c))

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
  /\ seen = [i \in Member |-> 0]
  /\ inc = [i \in Member |-> 0]
  /\ crashes = 0
  /\ elapsed = 0
  /\ gst = FALSE
  /\ terms = {}
  /\ granted = {}

-----------------------------------------------------------------------------
(* Candidate and leader *)

\* The smallest counter above i's own whose epoch is above its promise and
\* every promise a Refuse brought (epoch.ts nextCounter).
NextCounter(i) ==
  LET s == Max(promised[i], seen[i])
  IN Max(counter[i] + 1, IF s >= i THEN (s - i) \div N + 1 ELSE 0)

\* A member's role ends: its attempt's or term's volatile state goes (the
\* answers in flight to it, pend, too: each caller drops them).
Leave(i) ==
  /\ role' = [role EXCEPT ![i] = "follower"]
  /\ epoch' = [epoch EXCEPT ![i] = 0]
  /\ answers' = [answers EXCEPT ![i] = {}]
  /\ roundLeft' = [roundLeft EXCEPT ![i] = 0]
  /\ leaseLeft' = [leaseLeft EXCEPT ![i] = 0]

DropAnswers(i) == pend' = [pend EXCEPT ![i] = {}]

\* A new message of i: its own grant renewed, answers to the last dropped.
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
  /\ seen' = [seen EXCEPT ![i] = 0]
  /\ NewRound(i, "Request", e)
  /\ UNCHANGED <<up, leaseLeft, inc, crashes, elapsed, gst, terms>>

\* After GST, the pick's attempt ran out of lease without a majority: it
\* asks again, the lease measured from this send (the code stands again
\* with a higher epoch instead; see the header).
SendRequest(i) ==
  /\ gst /\ i = Preferred
  /\ up[i] /\ role[i] = "candidate" /\ roundLeft[i] = 0
  /\ promised[i] = epoch[i]
  /\ NewRound(i, "Request", epoch[i])
  /\ UNCHANGED <<up, promised, counter, role, epoch, leaseLeft, seen, inc,
                 crashes, elapsed, gst, terms, granted>>

\* A majority granted the attempt, whose lease is not over yet.
TakeOffice(i) ==
  /\ up[i] /\ role[i] = "candidate" /\ promised[i] = epoch[i]
  /\ Cardinality(answers[i]) >= Quorum /\ roundLeft[i] > 0
  /\ role' = [role EXCEPT ![i] = "leader"]
  /\ leaseLeft' = [leaseLeft EXCEPT ![i] = roundLeft[i]]
  /\ terms' = terms \cup {[epoch |-> epoch[i], leader |-> i, inc |-> inc[i]]}
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, epoch, answers,
                 roundLeft, out, pend, seen, inc, crashes, elapsed, gst, granted>>

\* The heartbeat: at most once a tick, a new round of renewals.
SendRenew(i) ==
  /\ InOffice(i) /\ roundLeft[i] < L /\ promised[i] = epoch[i]
  /\ NewRound(i, "Renew", epoch[i])
  /\ UNCHANGED <<up, promised, counter, role, epoch, leaseLeft, seen, inc,
                 crashes, elapsed, gst, terms, granted>>

\* A majority acknowledged the current round: the lease runs from its send.
ExtendLease(i) ==
  /\ InOffice(i) /\ Cardinality(answers[i]) >= Quorum
  /\ leaseLeft[i] < roundLeft[i]
  /\ leaseLeft' = [leaseLeft EXCEPT ![i] = roundLeft[i]]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch, answers,
                 roundLeft, out, pend, seen, inc, crashes, elapsed, gst, terms, granted>>

\* The lease is over, or a Renew of a higher epoch is heard: leave office
\* (a new attempt will have a new epoch). Not on a Refuse.
StepDown(i) ==
  /\ up[i] /\ role[i] = "leader" /\ (leaseLeft[i] = 0 \/ Deposed(i))
  /\ Leave(i) /\ DropAnswers(i)
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, out, seen, inc,
                 crashes, elapsed, gst, terms, granted>>

\* A candidate gives up (before GST at any time: attempt timeout, stale
\* refusals, its view naming another); its own grant goes and Release(e)
\* tells the members to drop theirs. After GST: a candidate that is not
\* the pick, that hears a Renew of a higher epoch, or whose epoch a member
\* refused as stale (it stands again above that promise).
Abandon(i) ==
  /\ up[i] /\ role[i] = "candidate"
  /\ gst => i # Preferred \/ Deposed(i) \/ seen[i] > epoch[i]
  /\ Leave(i) /\ DropAnswers(i)
  /\ holder' = [holder EXCEPT ![i] = IF @ = i THEN None ELSE @]
  /\ grantLeft' = [grantLeft EXCEPT ![i] = IF holder[i] = i THEN 0 ELSE @]
  /\ out' = [out EXCEPT ![i] = [kind |-> "Release", epoch |-> epoch[i]]]
  /\ UNCHANGED <<up, promised, counter, seen, inc, crashes, elapsed, gst,
                 terms, granted>>

\* The application's work has returned: leave office, then release the grants.
Resign(i) ==
  /\ InOffice(i) /\ ~gst
  /\ Leave(i) /\ DropAnswers(i)
  /\ holder' = [holder EXCEPT ![i] = None]
  /\ grantLeft' = [grantLeft EXCEPT ![i] = 0]
  /\ out' = [out EXCEPT ![i] = [kind |-> "Release", epoch |-> epoch[i]]]
  /\ UNCHANGED <<up, promised, counter, seen, inc, crashes, elapsed, gst,
                 terms, granted>>

\* An answer to the current message arrives.
ReceiveAnswer(i, j) ==
  /\ up[i] /\ j \in pend[i]
  /\ answers' = [answers EXCEPT ![i] = @ \cup {j}]
  /\ pend' = [pend EXCEPT ![i] = @ \ {j}]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch,
                 roundLeft, leaseLeft, out, seen, inc, crashes, elapsed, gst,
                 terms, granted>>

-----------------------------------------------------------------------------
(* Members receiving c's current message *)

\* A new epoch above the promise, out of any quiet period, with no
\* unexpired grant to another (member.ts refusalFor).
CanGrant(j, e, c) == ~InQuiet(j) /\ e > promised[j] /\ FreeToGrant(j, c)

\* The repeat of a Request j granted and still holds: the same grant again.
\* After GST, a new round of the epoch j promised (SendRequest) is granted
\* anew under the grant rules, as the code's next, higher epoch would be.
Repeat(j, e, c) ==
  /\ e = promised[j]
  /\ IF gst THEN ~InQuiet(j) /\ FreeToGrant(j, c)
            ELSE holder[j] = c /\ grantLeft[j] > 0

\* A delivery of c's current message to j that would change something
\* (after GST, the only deliveries there are).
Due(j, c) ==
  /\ j # c /\ up[j] /\ Sending(c)
  /\ \/ out[c].kind = "Request" /\ j \notin answers[c] \cup pend[c]
        /\ (CanGrant(j, out[c].epoch, c) \/ Repeat(j, out[c].epoch, c))
     \/ out[c].kind = "Renew" /\ j \notin answers[c] \cup pend[c]
        /\ (out[c].epoch = promised[j] \/ CanGrant(j, out[c].epoch, c))
     \/ out[c].kind \in {"Request", "Renew"}
        /\ out[c].epoch < promised[j] /\ seen[c] < promised[j]
     \/ out[c].kind = "Release" /\ holder[j] = c /\ promised[j] = out[c].epoch

\* j's answer is on its way to c if c is running and still waiting for it;
\* j's own answers in flight are dropped if j leaves its role.
Answer(c, j, leaves) ==
  pend' = [k \in Member |->
             IF k = c THEN IF up[c] /\ j \notin answers[c] THEN pend[c] \cup {j} ELSE pend[c]
             ELSE IF k = j /\ leaves THEN {} ELSE pend[k]]

\* j promises e to c: persisted before the answer leaves. A member that
\* promises a higher epoch gives up its own attempt or term (Answer drops
\* the answers in flight to it).
Promise(j, c, e) ==
  /\ promised' = [promised EXCEPT ![j] = e]
  /\ granted' = granted \cup {<<j, e>>}
  /\ holder' = [holder EXCEPT ![j] = c]
  /\ grantLeft' = [grantLeft EXCEPT ![j] = GrantTicks]
  /\ IF role[j] # "follower"
       THEN Leave(j)
       ELSE UNCHANGED <<role, epoch, answers, roundLeft, leaseLeft>>

\* Request(e): a new epoch is promised, then granted; a repeat is granted again.
GrantEpoch(j, c) ==
  LET e == out[c].epoch IN
  /\ j # c /\ up[j] /\ out[c].kind = "Request"
  /\ gst => Due(j, c)
  /\ IF CanGrant(j, e, c)
       THEN Promise(j, c, e)
       ELSE /\ Repeat(j, e, c)
            /\ holder' = [holder EXCEPT ![j] = c]
            /\ grantLeft' = IF gst THEN [grantLeft EXCEPT ![j] = GrantTicks] ELSE grantLeft
            /\ UNCHANGED <<promised, granted, role, epoch, answers, roundLeft, leaseLeft>>
  /\ Answer(c, j, CanGrant(j, e, c) /\ role[j] # "follower")
  /\ UNCHANGED <<up, counter, out, seen, inc, crashes, elapsed, gst, terms>>

\* A Request or Renew of an epoch below the promise is refused with the
\* promise; modelled only when the promise is news to c (else it is the same
\* as a lost answer).
RefuseEpoch(j, c) ==
  /\ j # c /\ up[j] /\ up[c] /\ out[c].kind \in {"Request", "Renew"}
  /\ gst => Due(j, c)
  /\ out[c].epoch < promised[j] /\ seen[c] < promised[j]
  /\ seen' = [seen EXCEPT ![c] = promised[j]]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch, answers,
                 roundLeft, leaseLeft, out, pend, inc, crashes, elapsed, gst,
                 terms, granted>>

\* Renew(e): of the epoch promised, the grant runs D again from now (also in
\* a quiet period: it takes back up the grant the restart forgot); of a
\* higher epoch, it is a Request granted under the same rules.
AckRenew(j, c) ==
  LET e == out[c].epoch IN
  /\ j # c /\ up[j] /\ out[c].kind = "Renew"
  /\ gst => Due(j, c)
  /\ IF e = promised[j]
       THEN /\ holder' = [holder EXCEPT ![j] = c]
            /\ grantLeft' = [grantLeft EXCEPT ![j] = GrantTicks]
            /\ UNCHANGED <<promised, granted, role, epoch, answers, roundLeft, leaseLeft>>
       ELSE CanGrant(j, e, c) /\ Promise(j, c, e)
  /\ Answer(c, j, e # promised[j] /\ role[j] # "follower")
  /\ UNCHANGED <<up, counter, out, seen, inc, crashes, elapsed, gst, terms>>

\* Release(e) from the holder of the grant: drop it (the promise stays).
ReleaseGrant(j, c) ==
  /\ j # c /\ up[j] /\ out[c].kind = "Release"
  /\ gst => Due(j, c)
  /\ holder[j] = c /\ promised[j] = out[c].epoch
  /\ holder' = [holder EXCEPT ![j] = None]
  /\ grantLeft' = [grantLeft EXCEPT ![j] = 0]
  /\ UNCHANGED <<up, promised, counter, role, epoch, answers, roundLeft,
                 leaseLeft, out, pend, seen, inc, crashes, elapsed, gst, terms, granted>>

\* Loss of an answer, before GST (a lost Request or Renew is one never delivered).
LoseAnswer(i, j) ==
  /\ ~gst /\ j \in pend[i]
  /\ pend' = [pend EXCEPT ![i] = @ \ {j}]
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch, answers,
                 roundLeft, leaseLeft, out, seen, inc, crashes, elapsed, gst,
                 terms, granted>>

-----------------------------------------------------------------------------
(* Faults and time *)

Crash(i) ==
  /\ up[i] /\ ~gst /\ crashes < MaxCrashes
  /\ up' = [up EXCEPT ![i] = FALSE]
  /\ crashes' = crashes + 1
  /\ holder' = [holder EXCEPT ![i] = None]
  /\ grantLeft' = [grantLeft EXCEPT ![i] = 0]
  /\ Leave(i) /\ DropAnswers(i)
  /\ seen' = [seen EXCEPT ![i] = 0]
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
  /\ UNCHANGED <<role, epoch, answers, roundLeft, leaseLeft, out, pend, seen,
                 crashes, elapsed, gst, terms, granted>>

\* Faults stop, with a majority up.
Stabilize ==
  /\ ~gst /\ Cardinality({i \in Member : up[i]}) >= Majority
  /\ gst' = TRUE
  /\ UNCHANGED <<up, promised, counter, holder, grantLeft, role, epoch, answers,
                 roundLeft, leaseLeft, out, pend, seen, inc, crashes, elapsed,
                 terms, granted>>

\* After GST, a tick waits for every message between running members to
\* arrive and every pending step to be taken; a leader in office has sent
\* this tick's renewal.
Timely ==
  /\ \A j, c \in Member : ~Due(j, c)
  /\ \A i \in Member : up[i] =>
       /\ pend[i] = {}
       /\ ~(role[i] = "candidate" /\ promised[i] = epoch[i]
            /\ Cardinality(answers[i]) >= Quorum /\ roundLeft[i] > 0)
       /\ ~(role[i] = "leader" /\ Deposed(i))
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
                 seen, inc, crashes, gst, terms, granted>>

Next ==
  \/ \E i \in Member :
       \/ RequestGrants(i) \/ SendRequest(i) \/ TakeOffice(i) \/ SendRenew(i)
       \/ ExtendLease(i) \/ StepDown(i) \/ Abandon(i) \/ Resign(i)
       \/ Crash(i) \/ Restart(i)
  \/ \E j, c \in Member :
       \/ GrantEpoch(j, c) \/ RefuseEpoch(j, c) \/ AckRenew(j, c)
       \/ ReleaseGrant(j, c) \/ ReceiveAnswer(c, j) \/ LoseAnswer(c, j)
  \/ Stabilize
  \/ Tick

Spec == Init /\ [][Next]_vars

\* Fairness: faults stop (a majority is up then: crashes are bounded), every
\* protocol step that stays possible is taken, and time passes.
Fairness ==
  /\ WF_vars(Stabilize)
  /\ \A i \in Member :
       /\ WF_vars(RequestGrants(i)) /\ WF_vars(SendRequest(i))
       /\ WF_vars(TakeOffice(i)) /\ WF_vars(SendRenew(i))
       /\ WF_vars(ExtendLease(i)) /\ WF_vars(StepDown(i)) /\ WF_vars(Abandon(i))
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
  /\ seen \in [Member -> {0} \cup Epochs]
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
LeaderAfterGST == gst ~> (\E i \in Member : InOffice(i))

\* Once faults stop, eventually one leader stays in office for good (needs
\* L > 1 + Rho: a lease that outlasts a tick on the fastest clock, so a
\* renewal every tick keeps it).
Liveness == <>[](\E i \in Member : InOffice(i))
=============================================================================
