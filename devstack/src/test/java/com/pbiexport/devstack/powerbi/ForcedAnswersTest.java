package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.sim.ForcedAnswers;
import com.pbiexport.devstack.sim.Realism;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The diagnosis matrix's hook walks every observed answer of a situation, in both profiles. */
class ForcedAnswersTest {

    @Test
    void forcingKWalksTheObservedAnswersOfEverySituationInOrder() {
        ForcedAnswers forced = new ForcedAnswers();
        ErrorShapes shapes = new ErrorShapes(Realism.realistic(7), Clock.systemUTC(), forced);
        ApiError notFound = ApiError.entityNotFound("Report 7e00 was not found");
        List<ApiError.Answer> observed = notFound.answers();
        assertThat(observed).as("a not-found has several observed answers").hasSizeGreaterThan(1);
        List<Integer> statuses = new ArrayList<>();
        for (int k = 0; k < observed.size(); k++) {
            forced.force(k);
            ErrorShapes.Rendered r = shapes.render(notFound);
            statuses.add(r.status());
            assertThat(r.status()).isEqualTo(observed.get(k).status());
            assertThat(r.body().length == 0).as("answer %d empty", k)
                    .isEqualTo(observed.get(k).shape() == ApiError.Shape.EMPTY);
        }
        forced.force(observed.size());
        assertThat(shapes.render(notFound).status()).as("k wraps around").isEqualTo(observed.get(0).status());
    }

    @Test
    void forcingAlsoAppliesToTheCleanProfile() {
        ForcedAnswers forced = new ForcedAnswers();
        ErrorShapes shapes = new ErrorShapes(Realism.clean(), Clock.systemUTC(), forced);
        ApiError error = ApiError.entityNotFound("x");
        ApiError.Answer last = error.answers().get(error.answers().size() - 1);
        forced.force(error.answers().size() - 1);
        assertThat(shapes.render(error).body().length == 0).isEqualTo(last.shape() == ApiError.Shape.EMPTY);
        forced.off();
        assertThat(forced.current()).isEqualTo(-1);
        assertThatThrownBy(() -> forced.force(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
