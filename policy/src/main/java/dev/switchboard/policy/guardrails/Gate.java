package dev.switchboard.policy.guardrails;

import java.util.ArrayList;
import java.util.List;

/**
 * A necessary condition for a pattern to match, in terms of the literals a match must contain: "contains
 * {@code ignore} or {@code disregard}, and contains {@code instructions}". A text that fails its pattern's gate
 * cannot match it, so the pattern need not run; a gate that passes says nothing (the pattern decides).
 *
 * <p>A gate is only sound if every match of its pattern satisfies it: literals are compared without ASCII case
 * (so a gate can only pass more often than a case-sensitive one), and each rule's gate is checked against its
 * pattern by tests that run both on labelled and generated texts.
 */
sealed interface Gate {
    /** A gate that always passes: the pattern always runs. */
    Gate ALWAYS = new All(List.of());

    static Gate lit(String literal) {
        return new Lit(literal);
    }

    /** Passes when any of the literals occurs. */
    static Gate any(String... literals) {
        List<Gate> gates = new ArrayList<>(literals.length);
        for (String l : literals) {
            gates.add(new Lit(l));
        }
        return new Any(gates);
    }

    static Gate any(Gate... gates) {
        return new Any(List.of(gates));
    }

    static Gate all(Gate... gates) {
        return new All(List.of(gates));
    }

    /** This gate over the literal ids of {@code set} (which holds all its literals). */
    Bound bind(Literals set);

    /** A gate with its literals resolved: whether a text whose literals are {@code found} may match. */
    @FunctionalInterface
    interface Bound {
        boolean test(Literals.Found found);
    }

    /** Adds this gate's literals to {@code into}. */
    void literals(List<String> into);

    record Lit(String literal) implements Gate {
        @Override
        public Bound bind(Literals set) {
            int id = set.id(literal);
            return found -> found.has(id);
        }

        @Override
        public void literals(List<String> into) {
            into.add(literal);
        }
    }

    record Any(List<Gate> gates) implements Gate {
        @Override
        public Bound bind(Literals set) {
            Bound[] bound = gates.stream().map(g -> g.bind(set)).toArray(Bound[]::new);
            return found -> {
                for (Bound b : bound) {
                    if (b.test(found)) {
                        return true;
                    }
                }
                return false;
            };
        }

        @Override
        public void literals(List<String> into) {
            gates.forEach(g -> g.literals(into));
        }
    }

    record All(List<Gate> gates) implements Gate {
        @Override
        public Bound bind(Literals set) {
            Bound[] bound = gates.stream().map(g -> g.bind(set)).toArray(Bound[]::new);
            return found -> {
                for (Bound b : bound) {
                    if (!b.test(found)) {
                        return false;
                    }
                }
                return true;
            };
        }

        @Override
        public void literals(List<String> into) {
            gates.forEach(g -> g.literals(into));
        }
    }
}
