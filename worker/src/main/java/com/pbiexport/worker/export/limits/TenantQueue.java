package com.pbiexport.worker.export.limits;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/** One tenant's waiting exports, one FIFO per capacity, served round-robin. Not thread-safe: the scheduler's lock. */
final class TenantQueue<T> {
    private final LinkedHashMap<String, ArrayDeque<T>> byCapacity = new LinkedHashMap<>();
    private final Function<T, String> capacityOf;

    TenantQueue(Function<T, String> capacityOf) {
        this.capacityOf = capacityOf;
    }

    void add(T t, boolean atHead) {
        ArrayDeque<T> q = byCapacity.computeIfAbsent(capacityOf.apply(t), c -> new ArrayDeque<>());
        if (atHead) {
            q.addFirst(t);
        } else {
            q.addLast(t);
        }
    }

    boolean remove(T t) {
        String capacity = capacityOf.apply(t);
        ArrayDeque<T> q = byCapacity.get(capacity);
        boolean removed = q != null && q.remove(t);
        if (q != null && q.isEmpty()) {
            byCapacity.remove(capacity);
        }
        return removed;
    }

    /** The head of the first capacity with room, which then goes to the back of the tenant's turn; or null. */
    T pollAdmissible(Predicate<String> hasRoom) {
        Iterator<Map.Entry<String, ArrayDeque<T>>> it = byCapacity.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, ArrayDeque<T>> e = it.next();
            if (hasRoom.test(e.getKey())) {
                ArrayDeque<T> q = e.getValue();
                T t = q.pollFirst();
                it.remove(); // rotate: this capacity goes to the back of the tenant's turn
                if (!q.isEmpty()) {
                    byCapacity.put(e.getKey(), q);
                }
                return t;
            }
        }
        return null;
    }

    Set<String> capacities() {
        return byCapacity.keySet();
    }

    /** Every waiting entry (a copy: the caller may remove while iterating). */
    List<T> all() {
        List<T> out = new ArrayList<>();
        byCapacity.values().forEach(out::addAll);
        return out;
    }

    boolean isEmpty() {
        return byCapacity.isEmpty();
    }
}
