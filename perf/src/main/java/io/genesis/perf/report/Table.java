package io.genesis.perf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A titled grid of already formatted cells, shared by the console and HTML reports so both show the
 * same figures. A column whose cells all read as numbers is right-aligned.
 */
record Table(String title, List<String> headers, List<List<String>> rows) {
  private static final Pattern NUMERIC = Pattern.compile("-?[0-9][0-9.,]*(e-?[0-9]+)?\\s?%?|-|");

  Table {
    headers = List.copyOf(headers);
    List<List<String>> copy = new ArrayList<>();
    for (List<String> row : rows) {
      List<String> cells = new ArrayList<>(row);
      while (cells.size() < headers.size()) {
        cells.add("");
      }
      copy.add(List.copyOf(cells));
    }
    rows = List.copyOf(copy);
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** True when every cell of the column (ignoring blanks and "-") is a number. */
  boolean numeric(int column) {
    boolean any = false;
    for (List<String> row : rows) {
      String cell = row.get(column);
      if (!NUMERIC.matcher(cell).matches()) {
        return false;
      }
      any |= !cell.isEmpty() && !cell.equals("-");
    }
    return any;
  }

  /** Plain text, indented by {@code indent}: a header row, a rule, then the rows. */
  String ascii(String indent) {
    int columns = headers.size();
    int[] widths = new int[columns];
    for (int c = 0; c < columns; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    boolean[] right = new boolean[columns];
    for (int c = 1; c < columns; c++) {
      right[c] = numeric(c);
    }
    StringBuilder out = new StringBuilder();
    line(out, indent, headers, widths, right);
    List<String> rule = new ArrayList<>();
    for (int width : widths) {
      rule.add("-".repeat(width));
    }
    line(out, indent, rule, widths, right);
    for (List<String> row : rows) {
      line(out, indent, row, widths, right);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String indent, List<String> cells, int[] widths, boolean[] right) {
    StringBuilder line = new StringBuilder(indent);
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(c == 0 ? "" : "  ").append(right[c] ? pad + cell : cell + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
