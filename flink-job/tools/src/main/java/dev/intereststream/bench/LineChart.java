package dev.intereststream.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** A small line chart (log-scaled y) drawn with Java2D, for the benchmark report's PNG. */
final class LineChart {

  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
      new Color(0x9467bd), new Color(0xff7f0e)};

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final Map<String, List<double[]>> series = new LinkedHashMap<>();

  LineChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  LineChart add(String name, double x, double y) {
    if (y > 0) {
      series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {x, y});
    }
    return this;
  }

  void write(Path png) throws IOException {
    int w = 900;
    int h = 560;
    int left = 90;
    int right = 30;
    int top = 50;
    int bottom = 70;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    double maxX = 1;
    double minY = Double.MAX_VALUE;
    double maxY = 1;
    for (List<double[]> pts : series.values()) {
      for (double[] p : pts) {
        maxX = Math.max(maxX, p[0]);
        minY = Math.min(minY, p[1]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    double lo = Math.floor(Math.log10(Math.max(1, Math.min(minY, maxY))));
    double hi = Math.ceil(Math.log10(maxY * 1.2));
    if (hi <= lo) {
      hi = lo + 1;
    }
    int plotW = w - left - right;
    int plotH = h - top - bottom;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(new Color(0xdddddd));
    for (double e = lo; e <= hi; e++) {
      int y = top + plotH - (int) ((e - lo) / (hi - lo) * plotH);
      g.drawLine(left, y, left + plotW, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%,.0f", Math.pow(10, e)), 10, y + 4);
      g.setColor(new Color(0xdddddd));
    }
    for (int i = 0; i <= 5; i++) {
      double x = maxX * i / 5;
      int px = left + (int) (x / maxX * plotW);
      g.drawLine(px, top, px, top + plotH);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%,.0f", x), px - 20, top + plotH + 18);
      g.setColor(new Color(0xdddddd));
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, plotW, plotH);
    g.drawString(xLabel, left + plotW / 2 - 60, h - 25);
    g.rotate(-Math.PI / 2);
    g.drawString(yLabel, -top - plotH / 2 - 70, 25);
    g.rotate(Math.PI / 2);
    int c = 0;
    int legendY = top + 15;
    for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
      g.setColor(COLORS[c++ % COLORS.length]);
      g.setStroke(new BasicStroke(2.2f));
      int[] prev = null;
      for (double[] p : s.getValue()) {
        int px = left + (int) (p[0] / maxX * plotW);
        int py = top + plotH - (int) ((Math.log10(p[1]) - lo) / (hi - lo) * plotH);
        g.fillOval(px - 4, py - 4, 8, 8);
        if (prev != null) {
          g.drawLine(prev[0], prev[1], px, py);
        }
        prev = new int[] {px, py};
      }
      g.drawLine(left + plotW - 230, legendY - 4, left + plotW - 205, legendY - 4);
      g.drawString(s.getKey(), left + plotW - 198, legendY);
      legendY += 18;
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }
}
