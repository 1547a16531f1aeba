// SVGPlot: a small, dependency-free line-plot writer for the docs — accuracy against
// document length (log-scale x) and training curves. Produces a standalone SVG string.
import Foundation

public struct SVGPlot {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool
        /// A CSS colour; nil = the palette colour of the series' index.
        public var color: String?
        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false, color: String? = nil) {
            self.name = name
            self.points = points
            self.dashed = dashed
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX: Bool
    public var yRange: ClosedRange<Double>?
    public var series: [Series]

    public init(title: String, xLabel: String, yLabel: String, logX: Bool = false,
                yRange: ClosedRange<Double>? = nil, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.yRange = yRange
        self.series = series
    }

    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                                 "#bcbd22", "#393b79"]

    /// The SVG. The legend's column widens with its longest name (≈ 7 px a character at 12 px) and
    /// the picture grows with it and with the number of series, so no name or entry is cut off.
    public func render(width: Double = 720, height: Double = 440) -> String {
        let longest = Double(series.map(\.name.count).max() ?? 0)
        let left = 70.0, right = max(170.0, 48 + 7 * longest), top = 40.0, bottom = 60.0
        let width = max(width, left + 480 + right)
        let height = max(height, top + 14 + Double(series.count) * 18 + 10)
        let all = series.flatMap(\.points).filter { !logX || $0.x > 0 }
        let fx: (Double) -> Double = { logX ? log10($0) : $0 }
        let xs = all.map { fx($0.x) }, ys = all.map(\.y)
        var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1
        if x0 == x1 { x0 -= 0.5; x1 += 0.5 }
        let yr = yRange ?? ((ys.min() ?? 0)...(max((ys.max() ?? 1), (ys.min() ?? 0) + 1e-9)))
        let pw = width - left - right, ph = height - top - bottom
        func px(_ x: Double) -> Double { left + (fx(x) - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + (1 - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound)) * ph }
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left + pw / 2)" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

        """
        // Grid and ticks.
        for i in 0...5 {
            let y = yr.lowerBound + Double(i) / 5 * (yr.upperBound - yr.lowerBound)
            s += "<line x1=\"\(left)\" y1=\"\(py(y))\" x2=\"\(left + pw)\" y2=\"\(py(y))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(left - 6)\" y=\"\(py(y) + 4)\" text-anchor=\"end\">\(fmt(y))</text>\n"
        }
        let xticks: [Double] = logX
            ? (Int(floor(x0))...Int(ceil(x1))).map { pow(10, Double($0)) }
            : niceTicks(x0, x1)
        for t in xticks where fx(t) >= x0 - 1e-9 && fx(t) <= x1 + 1e-9 {
            s += "<line x1=\"\(px(t))\" y1=\"\(top)\" x2=\"\(px(t))\" y2=\"\(top + ph)\" stroke=\"#eee\"/>"
            s += "<text x=\"\(px(t))\" y=\"\(top + ph + 16)\" text-anchor=\"middle\">\(tick(t))</text>\n"
        }
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(pw)\" height=\"\(ph)\" fill=\"none\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(left + pw / 2)\" y=\"\(height - 18)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        s += "<text transform=\"translate(18,\(top + ph / 2)) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        for (i, line) in series.enumerated() {
            let color = series[i].color ?? Self.palette[i % Self.palette.count]
            let pts = line.points.filter { !logX || $0.x > 0 }
            let path = pts.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"6,4\"" : "") points=\"\(path)\"/>\n"
            if !line.dashed { for p in pts { s += "<circle cx=\"\(px(p.x))\" cy=\"\(py(p.y))\" r=\"3\" fill=\"\(color)\"/>" } }
            let ly = top + 14 + Double(i) * 18
            s += "\n<line x1=\"\(left + pw + 12)\" y1=\"\(ly - 4)\" x2=\"\(left + pw + 32)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"6,4\"" : "")/>"
            s += "<text x=\"\(left + pw + 38)\" y=\"\(ly)\">\(escape(line.name))</text>\n"
        }
        return s + "</svg>\n"
    }

    /// About five round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi].
    func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(max(raw, 1e-12))))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return stride(from: ceil(lo / step) * step, through: hi, by: step).map { $0 }
    }

    func fmt(_ v: Double) -> String {
        if v == v.rounded() && abs(v) >= 1 { return String(Int(v)) }
        return abs(v) >= 100 ? String(Int(v)) : String(format: "%.2f", v)
    }
    func tick(_ v: Double) -> String {
        guard logX else { return fmt(v) }
        if v >= 1_000_000 { return "\(Int(v / 1_000_000))M" }
        if v >= 1_000 { return "\(Int(v / 1_000))k" }
        return String(Int(v))
    }
    func escape(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
