package io.genesis.agent.definition;

import java.util.List;

/**
 * How an agent talks when the offline coach answers for it.
 *
 * @param greeting the answer to a bare "hi"
 * @param openers first sentences; one is picked per message, deterministically
 * @param tips advice given when no calculation applies
 * @param signOffs last sentences
 * @param handoffIntro said when another agent passed the conversation on; {@code {from}} is replaced by
 *     that agent's name
 */
public record Voice(String greeting, List<String> openers, List<String> tips, List<String> signOffs,
                    String handoffIntro) {
  public Voice {
    openers = List.copyOf(openers);
    tips = List.copyOf(tips);
    signOffs = List.copyOf(signOffs);
  }
}
