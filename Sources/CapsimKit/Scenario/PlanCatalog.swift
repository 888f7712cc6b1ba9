import Foundation

/// Price catalogs (`infrastructure.supabase.catalog`): a file with a `plans:` list whose entries
/// a scenario's `plans` may name (`- pro`) or override (`- {name: pro, max_users: 1000}`).
enum PlanCatalog {
    /// The tree with every plan named by the catalog replaced by the catalog's entry (merged
    /// with the scenario's keys). Problems (an unreadable catalog, an unknown plan name) are
    /// added to `diagnostics`.
    static func resolve(_ root: ConfigNode, diagnostics: inout [Diagnostic]) -> ConfigNode {
        guard let supabase = root["infrastructure"]?["supabase"], let plansNode = supabase["plans"],
              case let .sequence(items) = plansNode.value else { return root }
        let catalog = supabase["catalog"].flatMap { catalogPlans($0, diagnostics: &diagnostics) }
        var resolved: [ConfigNode] = []
        for (index, item) in items.enumerated() {
            let path = "infrastructure.supabase.plans[\(index)]"
            let planName: String? = switch item.value {
            case let .scalar(text, _): text
            default: item["name"].flatMap { if case let .scalar(text, _) = $0.value { text } else { nil } }
            }
            if let planName, let catalog, let entry = catalog.first(where: { $0.name == planName }) {
                resolved.append(item.entries == nil ? entry.node : entry.node.merged(with: item))
            } else if case .scalar = item.value, !item.isNull {
                let known = catalog?.map(\.name) ?? []
                var message = "unknown plan name '\(planName ?? "")'"
                if catalog == nil {
                    message += "; plans given by name need 'infrastructure.supabase.catalog'"
                } else if let suggestion = Suggestion.nearest(to: planName ?? "", in: known) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; the catalog has \(TreeDecoder.list(known))"
                }
                diagnostics.append(Diagnostic(location: item.location, keyPath: path, message: message))
            } else {
                resolved.append(item)
            }
        }
        let plans = ConfigNode(value: .sequence(resolved), location: plansNode.location)
        return root.replacing(["infrastructure", "supabase", "plans"], with: plans)
    }

    /// The plans of the catalog file `node` names (relative to the file naming it).
    private static func catalogPlans(_ node: ConfigNode, diagnostics: inout [Diagnostic]) -> [(name: String, node: ConfigNode)]? {
        let path = "infrastructure.supabase.catalog"
        guard case let .scalar(name, _) = node.value, !node.isNull, !name.isEmpty else {
            diagnostics.append(Diagnostic(location: node.location, keyPath: path, message: "expected the path of a catalog file, got \(node.kindName)"))
            return nil
        }
        let directory = (node.location.file as NSString).deletingLastPathComponent
        let file = name.hasPrefix("/") || directory.isEmpty || node.location.file == "--set"
            ? name : (directory as NSString).appendingPathComponent(name)
        let root: ConfigNode
        do {
            root = try ScenarioSource.parse(yaml: try TextFile.read(file), file: file)
        } catch let error as ScenarioError {
            diagnostics.append(contentsOf: error.diagnostics)
            return nil
        } catch {
            diagnostics.append(Diagnostic(location: node.location, keyPath: path, message: "cannot read the price catalog: \(error)"))
            return nil
        }
        let known = ["name", "source", "retrieved", "notes", "plans"]
        guard let entries = root.entries else {
            diagnostics.append(Diagnostic(location: root.location, keyPath: "", message: "a price catalog is a mapping with 'plans', got \(root.kindName)"))
            return nil
        }
        for entry in entries where !known.contains(entry.key) {
            var message = "unknown key '\(entry.key)' in a price catalog"
            if let suggestion = Suggestion.nearest(to: entry.key, in: known) { message += "; did you mean '\(suggestion)'?" }
            diagnostics.append(Diagnostic(location: entry.keyLocation, keyPath: entry.key, message: message))
        }
        guard case let .sequence(items)? = root["plans"]?.value else {
            diagnostics.append(Diagnostic(location: root.location, keyPath: "plans", message: "a price catalog needs a list of 'plans'"))
            return nil
        }
        return items.map { item in
            if case let .scalar(planName, _)? = item["name"]?.value { return (planName, item) }
            return ("", item)
        }
    }
}
