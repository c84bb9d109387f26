package io.genesis.agent.coach.calc;

import io.genesis.common.api.ProfileRules;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ProgressView;
import java.util.List;

/**
 * What the coach knows of the person beyond the message: the profile for this reply (the stored one with the
 * figures stated earlier in the session laid over it) and their recent progress records, newest first. Equal facts
 * give equal answers (the calculation cache is keyed by them); no clock is read.
 */
public record Facts(Profile profile, List<ProgressView> records) {
  public static final Facts NONE = new Facts(Profile.EMPTY, List.of());

  public Facts {
    profile = profile == null ? Profile.EMPTY : profile;
    records = records == null ? List.of() : List.copyOf(records);
  }

  /** Replies show pounds and feet/inches beside metric figures. */
  public boolean imperial() {
    return ProfileRules.IMPERIAL.equals(profile.units());
  }

  /** The records of one kind (and exercise, when given), newest first. */
  public List<ProgressView> of(String kind, String exercise) {
    return records.stream().filter(r -> r.kind().equals(kind) && (exercise == null || exercise.equals(r.exercise()))).toList();
  }

  /** A mass for a reply: "80 kg", or "80 kg (176.4 lb)" for an imperial profile. */
  public String kg(double kg) {
    String metric = Fmt.decimal(kg, 1) + " kg";
    return imperial() ? metric + " (" + Fmt.decimal(kg / Quantities.KG_PER_LB, 1) + " lb)" : metric;
  }

  /** A height for a reply: "180 cm", or "180 cm (5'10.9")" for an imperial profile. */
  public String cm(double cm) {
    String metric = Fmt.decimal(cm, 1) + " cm";
    if (!imperial()) {
      return metric;
    }
    double inches = cm / Quantities.CM_PER_INCH;
    int feet = (int) (inches / 12);
    return metric + " (" + feet + "'" + Fmt.decimal(inches - feet * 12, 1) + "\")";
  }
}
