package io.genesis.agent.registry;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one scan of the agents directory saw: every definition file's size and modification time
 * (and its content while that time is recent), or the problem that kept the directory from being
 * listed. {@link #sameAs} tells whether anything changed between two scans.
 *
 * @param files the stamps by path
 * @param problem why the directory could not be listed, or null
 */
record DirectorySnapshot(Map<String, Stamp> files, String problem) {
  /** Before the first scan: differs from every scan. */
  static final DirectorySnapshot NONE = new DirectorySnapshot(Map.of(), "not scanned yet");

  DirectorySnapshot {
    files = Map.copyOf(files);
  }

  static DirectorySnapshot of(List<Stamp> stamps) {
    Map<String, Stamp> files = new TreeMap<>();
    stamps.forEach(stamp -> files.put(stamp.path(), stamp));
    return new DirectorySnapshot(files, null);
  }

  static DirectorySnapshot unreadable(String problem) {
    return new DirectorySnapshot(Map.of(), problem);
  }

  /** True when both saw the same files with the same sizes and times, and equal content wherever both read it. */
  boolean sameAs(DirectorySnapshot other) {
    return Objects.equals(problem, other.problem)
        && files.keySet().equals(other.files.keySet())
        && files.values().stream().allMatch(stamp -> stamp.sameAs(other.files.get(stamp.path())));
  }

  /** True when this scan kept the content of {@code path} as it was at this size and time (so a later scan must compare it). */
  boolean keepsContent(String path, long size, long modified) {
    Stamp stamp = files.get(path);
    return stamp != null && stamp.content() != null && stamp.size() == size && stamp.modified() == modified;
  }

  /** This snapshot as a baseline: content kept only for the files whose time is still recent. */
  DirectorySnapshot settled() {
    Map<String, Stamp> kept = new TreeMap<>();
    files.forEach((path, stamp) -> kept.put(path, stamp.settled()));
    return new DirectorySnapshot(kept, problem);
  }

  /**
   * One file as scanned.
   *
   * @param content the bytes read during the scan, or null when the time alone tells changes apart
   * @param recent the modification time was recent at the scan: the file may still be rewritten
   *     without its size or time changing, so its content is kept for the next comparison
   */
  record Stamp(String path, long size, long modified, Buffer content, boolean recent) {
    boolean sameAs(Stamp other) {
      return other != null && size == other.size && modified == other.modified
          && (content == null || other.content == null || content.equals(other.content));
    }

    Stamp settled() {
      return recent || content == null ? this : new Stamp(path, size, modified, null, false);
    }
  }
}
