package dev.intereststream.training;

import dev.intereststream.events.Click;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Events from the public Taobao UserBehavior CSV ({@code user_id,item_id,category_id,behavior_type,timestamp},
 * timestamp in seconds, behavior pv/buy/cart/fav), as e-commerce events: pv is a click (a page view of
 * the item), cart an add to cart, fav a like, buy a purchase. The log has no impressions. Rows with
 * non-positive ids, unknown behaviors or unparsable fields are skipped and counted. Event ids are
 * {@code tb-<line number>}. Sort the file by timestamp first for an exact replay (the full dataset:
 * {@code sort -t, -k5,5n -s UserBehavior.csv}).
 */
public final class TaobaoEventSource implements EventSource {

  private final BufferedReader in;
  private long line;
  private long skipped;

  public TaobaoEventSource(Path file) throws IOException {
    in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  @Override
  public Click next() throws IOException {
    String row;
    while ((row = in.readLine()) != null) {
      line++;
      Click c = parse(row, line);
      if (c != null) {
        return c;
      }
      skipped++;
    }
    return null;
  }

  static Click parse(String row, long line) {
    String[] f = row.split(",");
    if (f.length != 5) {
      return null;
    }
    try {
      long user = Long.parseLong(f[0].trim());
      long item = Long.parseLong(f[1].trim());
      long category = Long.parseLong(f[2].trim());
      long seconds = Long.parseLong(f[4].trim());
      Action action = switch (f[3].trim()) {
        case "pv" -> Action.CLICK;
        case "cart" -> Action.ADD_TO_CART;
        case "fav" -> Action.LIKE;
        case "buy" -> Action.PURCHASE;
        default -> null;
      };
      if (action == null || user <= 0 || item <= 0 || category <= 0 || seconds <= 0) {
        return null;
      }
      return new Click("tb-" + line, user, item, category, Scenario.ECOMMERCE, action, Click.NO_DWELL, seconds * 1000);
    } catch (NumberFormatException e) {
      return null; // a header line or a damaged row
    }
  }

  /** Rows that were not events (header, damaged, unknown behavior). */
  public long skipped() {
    return skipped;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
