package io.hpo.worker.bench;

import javax.imageio.ImageIO;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A PNG of lines for the README, drawn with Java2D so a benchmark needs no plotting package: each line has its
 * colour and dash, an optional shaded band around it (quartiles, say), and a key entry with its label.
 */
final class LinePlot {

    enum Dash { SOLID, DOTTED, DASHED }

    /**
     * The plot's title and axes; x values are divided by {@code xUnit} for the tick labels (1e6 for millions).
     */
    record Axes(String title, String xLabel, double xUnit, String yLabel) {
    }

    /**
     * One line: points are (x, y); {@code band} is empty or (x, low, high) triples shaded in the line's colour.
     */
    record Line(String label, Color color, Dash dash, List<double[]> points, List<double[]> band) {

        Line(String label, Color color, Dash dash, List<double[]> points) {
            this(label, color, dash, points, List.of());
        }
    }

    /** Ten colours that stay apart on white and in print (matplotlib's tab10). */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    private static final int WIDTH = 960;
    private static final int HEIGHT = 600;
    private static final int LEFT = 70;
    private static final int RIGHT = 330;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    /** How opaque a band is: light enough that the lines and the other bands show through. */
    private static final float BAND_ALPHA = 0.15f;

    private LinePlot() {
    }

    static void write(Path file, Axes axes, List<Line> lines) throws IOException {
        double maxX = 0;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Line line : lines) {
            for (double[] p : line.points()) {
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
            for (double[] b : line.band()) {
                minY = Math.min(minY, b[1]);
                maxY = Math.max(maxY, b[2]);
            }
        }
        double pad = (maxY - minY) * 0.05 + 1e-9;
        Frame f = new Frame(maxX, minY - pad, maxY + pad);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 5; i++) {
            int y = TOP + f.plotH * i / 5;
            g.drawLine(LEFT, y, LEFT + f.plotW, y);
            int x = LEFT + f.plotW * i / 5;
            g.drawLine(x, TOP, x, TOP + f.plotH);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, f.plotW, f.plotH);
        for (int i = 0; i <= 5; i++) {
            g.drawString(String.format(Locale.ROOT, "%.2f", f.maxY - (f.maxY - f.minY) * i / 5), 20,
                    TOP + f.plotH * i / 5 + 5);
            g.drawString(String.format(Locale.ROOT, "%.2f", f.maxX * i / 5 / axes.xUnit()),
                    LEFT + f.plotW * i / 5 - 12, TOP + f.plotH + 18);
        }
        g.drawString(axes.xLabel(), LEFT + f.plotW / 2 - 70, HEIGHT - 12);
        g.drawString(axes.yLabel(), 5, TOP - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(axes.title(), LEFT + 160, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (Line line : lines) {
            drawBand(g, f, line);
        }
        int legendY = TOP + 10;
        for (Line line : lines) {
            g.setColor(line.color());
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
                    g.drawLine(f.x(prev[0]), f.y(prev[1]), f.x(p[0]), f.y(p[1]));
                }
                prev = p;
            }
            g.drawLine(LEFT + f.plotW + 15, legendY, LEFT + f.plotW + 45, legendY);
            g.setColor(Color.BLACK);
            g.drawString(line.label(), LEFT + f.plotW + 52, legendY + 4);
            legendY += 20;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void drawBand(Graphics2D g, Frame f, Line line) {
        if (line.band().isEmpty()) {
            return;
        }
        Polygon area = new Polygon();
        line.band().forEach(b -> area.addPoint(f.x(b[0]), f.y(b[2])));
        for (int i = line.band().size() - 1; i >= 0; i--) {
            double[] b = line.band().get(i);
            area.addPoint(f.x(b[0]), f.y(b[1]));
        }
        Composite before = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, BAND_ALPHA));
        g.setColor(line.color());
        g.fillPolygon(area);
        g.setComposite(before);
    }

    /** The data range and the pixels it maps to. */
    private record Frame(double maxX, double minY, double maxY, int plotW, int plotH) {

        Frame(double maxX, double minY, double maxY) {
            this(maxX, minY, maxY, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        }

        int x(double value) {
            return LEFT + (int) Math.round(value / maxX * plotW);
        }

        int y(double value) {
            return TOP + (int) Math.round((maxY - value) / (maxY - minY) * plotH);
        }
    }
}
