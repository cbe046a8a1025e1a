package dev.intereststream.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.scoring.FeatureSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-data path: a file in the public Taobao UserBehavior format (written here by the test)
 * replayed through the job's feature code into training tensors, every page view a positive with
 * sampled negatives.
 */
class TaobaoImportTest {

  @Test
  void turnsPageViewsIntoPositivesWithSampledNegatives(@TempDir Path dir) throws Exception {
    Random random = new Random(5);
    List<String> rows = new ArrayList<>();
    rows.add("user_id,item_id,category_id,behavior_type,timestamp"); // a header, skipped
    long t = 1_511_544_070L; // late November 2017, as in the dataset
    int pageViews = 0;
    for (int i = 0; i < 6_000; i++) {
      long user = 1 + random.nextInt(200);
      long category = 1 + random.nextInt(30);
      long item = category * 1_000 + random.nextInt(40);
      String behavior = switch (random.nextInt(10)) {
        case 0 -> "cart";
        case 1 -> "fav";
        case 2 -> "buy";
        default -> "pv";
      };
      pageViews += behavior.equals("pv") ? 1 : 0;
      rows.add(user + "," + item + "," + category + "," + behavior + "," + (t + i * 3L));
    }
    rows.add("7,8,9,unknown,1511544070"); // skipped: unknown behavior
    rows.add("0,8,9,pv,1511544070");      // skipped: missing user
    Path csv = dir.resolve("UserBehavior.csv");
    Files.write(csv, rows);

    TrainingDataExporter exporter = new TrainingDataExporter(ExportParityTest.FEATURES, ExportParityTest.CANDIDATES,
        10, 60_000L, 0.8, 0.1);
    Path out = dir.resolve("data");
    TrainingDataExporter.Summary s = exporter.export(() -> new TaobaoEventSource(csv), csv.toString(), null, 3, out);

    assertThat(s.events()).isEqualTo(6_000);
    assertThat(s.positives()).isEqualTo(pageViews);
    long examples = s.examples().values().stream().mapToLong(Long::longValue).sum();
    assertThat(examples).isBetween(pageViews * 3L, pageViews * 4L);
    int positives = 0;
    int negatives = 0;
    for (String split : TrainingDataExporter.SPLITS) {
      Npy label = Npy.read(out.resolve(split).resolve("label.npy"));
      Npy oracle = Npy.read(out.resolve(split).resolve("oracle.npy"));
      Npy item = Npy.read(out.resolve(split).resolve("cand_item.npy"));
      for (int i = 0; i < label.size(); i++) {
        if (label.getFloat(i) == 1f) {
          positives++;
        } else {
          negatives++;
        }
        assertThat(oracle.getFloat(i)).isNaN(); // no ground truth for real logs
        assertThat(item.getLong(i)).isBetween(1L, (long) FeatureSpec.ITEM_BUCKETS - 1);
      }
      assertThat(Npy.read(out.resolve(split).resolve("seq_item.npy")).shape)
          .containsExactly(label.size(), FeatureSpec.SEQUENCE_LENGTH);
    }
    assertThat(positives).isEqualTo(pageViews);
    assertThat(negatives).isGreaterThan(pageViews * 2);
    assertThat(Files.readString(out.resolve("feature_spec.json"))).contains("sampled recent items");
  }
}
