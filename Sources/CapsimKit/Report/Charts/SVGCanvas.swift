import Foundation

/// The colours of every chart: Okabe and Ito's palette, which reads the same to people with
/// the common colour-vision deficiencies, and greys for context.
public enum Palette {
    public static let blue = "#0072B2"
    public static let orange = "#E69F00"
    public static let green = "#009E73"
    public static let vermillion = "#D55E00"
    public static let sky = "#56B4E9"
    public static let purple = "#CC79A7"
    public static let yellow = "#F0E442"
    public static let black = "#000000"
    public static let grey = "#6B6B6B"

    /// Distinct colours in order, for categories (cost lines, queries, plans).
    public static let categorical = [blue, orange, green, vermillion, sky, purple, yellow, black, grey]

    public static func colour(_ index: Int) -> String { categorical[index % categorical.count] }
}

/// An SVG document built element by element. Coordinates are written with at most one
/// decimal so that the same chart is the same text on every machine.
struct SVGCanvas {
    var width: Double
    var height: Double
    private var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    mutating func add(_ element: String) { elements.append(element) }

    /// The document: `title` is the accessible name and the tooltip of the whole chart.
    func document(title: String, className: String) -> String {
        let size = "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(className)\" \(size) role=\"img\" aria-label=\"\(Self.escape(title))\" font-family=\"sans-serif\" font-size=\"12\">"
            + "<title>\(Self.escape(title))</title>\n" + elements.joined(separator: "\n") + "\n</svg>"
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
                       colour: String = "#333", weight: String? = nil, rotate: Bool = false) {
        let transform = rotate ? " transform=\"rotate(-90 \(Self.number(x)) \(Self.number(y)))\"" : ""
        let bold = weight.map { " font-weight=\"\($0)\"" } ?? ""
        add("<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Self.number(size))\" fill=\"\(colour)\"\(bold)\(transform)>\(Self.escape(content))</text>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, colour: String, width: Double = 1, dashed: Bool = false) {
        add("<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(colour)\" stroke-width=\"\(Self.number(width))\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double = 1, tooltip: String? = nil) {
        let body = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(Swift.max(0, width)))\" height=\"\(Self.number(Swift.max(0, height)))\" fill=\"\(fill)\"\(opacity < 1 ? " fill-opacity=\"\(Self.number(opacity, decimals: 2))\"" : "")"
        add(tooltip.map { "<rect \(body)><title>\(Self.escape($0))</title></rect>" } ?? "<rect \(body)/>")
    }

    /// A path through `points` (a polyline, or with `closed` a filled polygon).
    static func path(_ points: [(x: Double, y: Double)], closed: Bool = false) -> String {
        guard let first = points.first else { return "" }
        return "M\(number(first.x)),\(number(first.y))" + points.dropFirst().map { "L\(number($0.x)),\(number($0.y))" }.joined() + (closed ? "Z" : "")
    }

    /// `value` with at most `decimals` decimals, no trailing zeros, no `-0`.
    static func number(_ value: Double, decimals: Int = 1) -> String { ChartUnit.trimmed(value, decimals) }

    /// Text made safe inside an element or an attribute.
    static func escape(_ text: String) -> String { XMLText.escape(text) }

    /// A rough width of `text` in pixels at `size` (for laying out legends and labels).
    static func textWidth(_ text: String, size: Double = 12) -> Double { Double(text.count) * size * 0.58 }
}
