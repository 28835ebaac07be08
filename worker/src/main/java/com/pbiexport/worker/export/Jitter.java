package com.pbiexport.worker.export;

import java.util.concurrent.ThreadLocalRandom;

/** A source of jitter in [0, 1): random in production, fixed in tests so every wait is exact. */
@FunctionalInterface
interface Jitter {
    double next();

    Jitter RANDOM = () -> ThreadLocalRandom.current().nextDouble();
}
