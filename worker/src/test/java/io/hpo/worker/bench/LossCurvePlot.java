package io.hpo.worker.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A PNG of loss curves for the README, drawn with Java2D so a benchmark needs no plotting package: x is training
 * tokens (millions), y is validation loss; each line's colour is its worker count and its dash its kind
 * (synchronous solid, plain averaging dotted, Nesterov dashed), keyed by its label.
 */
final class LossCurvePlot {

    enum Dash { SOLID, DOTTED, DASHED }

    /** One curve: points are (tokens, loss). */
    record Line(String label, int workers, Dash dash, List<double[]> points) {
    }

    private static final int WIDTH = 960;
    private static final int HEIGHT = 600;
    private static final int LEFT = 70;
    private static final int RIGHT = 330;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color[] BY_WORKERS = {new Color(0x555555), new Color(0x1f77b4), new Color(0xd62728),
            new Color(0x2ca02c)};

    private LossCurvePlot() {
    }

    static void write(Path file, String title, List<Line> curves) throws IOException {
        double maxX = 0;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Line line : curves) {
            for (double[] p : line.points()) {
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        double pad = (maxY - minY) * 0.05 + 1e-9;
        minY -= pad;
        maxY += pad;
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 5; i++) {
            int y = TOP + plotH * i / 5;
            g.drawLine(LEFT, y, LEFT + plotW, y);
            int x = LEFT + plotW * i / 5;
            g.drawLine(x, TOP, x, TOP + plotH);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        for (int i = 0; i <= 5; i++) {
            g.drawString(String.format(Locale.ROOT, "%.2f", maxY - (maxY - minY) * i / 5), 20, TOP + plotH * i / 5 + 5);
            g.drawString(String.format(Locale.ROOT, "%.2f", maxX * i / 5 / 1e6), LEFT + plotW * i / 5 - 12,
                    TOP + plotH + 18);
        }
        g.drawString("training tokens (millions)", LEFT + plotW / 2 - 70, HEIGHT - 12);
        g.drawString("validation loss (nats/token)", 5, TOP - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT + 160, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int legendY = TOP + 10;
        for (Line line : curves) {
            g.setColor(BY_WORKERS[Math.min(Integer.numberOfTrailingZeros(Integer.highestOneBit(line.workers())),
                    BY_WORKERS.length - 1)]);
            g.setStroke(switch (line.dash()) {
                case SOLID -> new BasicStroke(2.5f);
                case DOTTED -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                        new float[]{2f, 4f}, 0f);
                case DASHED -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                        new float[]{9f, 5f}, 0f);
            });
            double[] prev = null;
            for (double[] p : line.points()) {
                if (prev != null) {
                    g.drawLine(x(prev[0], maxX, plotW), y(prev[1], minY, maxY, plotH), x(p[0], maxX, plotW),
                            y(p[1], minY, maxY, plotH));
                }
                prev = p;
            }
            g.drawLine(LEFT + plotW + 15, legendY, LEFT + plotW + 45, legendY);
            g.setColor(Color.BLACK);
            g.drawString(line.label(), LEFT + plotW + 52, legendY + 4);
            legendY += 20;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static int x(double tokens, double maxX, int plotW) {
        return LEFT + (int) Math.round(tokens / maxX * plotW);
    }

    private static int y(double loss, double minY, double maxY, int plotH) {
        return TOP + (int) Math.round((maxY - loss) / (maxY - minY) * plotH);
    }
}
