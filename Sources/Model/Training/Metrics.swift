/// Ranking metrics for binary labels.
public enum BinaryMetrics {
    /// Area under the ROC curve (ties count half); nil when one class is absent.
    public static func auroc(scores: [Float], labels: [Bool]) -> Double? {
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Mann–Whitney U through average ranks.
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] { rankSum += rank }
            i = j + 1
        }
        let u = rankSum - Double(positives * (positives + 1)) / 2
        return u / Double(positives * negatives)
    }

    /// Area under the precision–recall curve as average precision (step-wise, ties grouped); nil without positives.
    public static func auprc(scores: [Float], labels: [Bool]) -> Double? {
        let positives = labels.filter { $0 }.count
        guard positives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0, seen = 0, area = 0.0, i = 0
        while i < order.count {
            var j = i
            var gained = 0
            while j < order.count && scores[order[j]] == scores[order[i]] {
                if labels[order[j]] { gained += 1 }
                j += 1
            }
            truePositives += gained
            seen = j
            area += Double(gained) / Double(positives) * Double(truePositives) / Double(seen)
            i = j
        }
        return area
    }
}
