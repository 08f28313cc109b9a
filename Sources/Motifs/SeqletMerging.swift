import GenomeIO
/// One seqlet per site in genome coordinates: windows that overlap (a step shorter than the window) see the same site
/// more than once, and each sighting would otherwise count, be written and be clustered as a site of its own.
///
/// Rows are grouped by contig, strand and explained output (the `|OUTPUT` suffix of the window name); within a group
/// a seqlet's core is placed at `window start + column`. Seqlets are taken strongest first; each absorbs the seqlets
/// of *other* rows whose cores overlap its own (cores of one row never overlap), and the site it stands for is
/// written once, from its own row, with the mean score of the sightings. When the sightings disagree in sign, the
/// aggregated track decides: the mean over covering windows of the per-base relevance, summed over the strongest
/// core; the strongest sighting of that sign stands for the site with that sum as its score, and the conflict is
/// counted. Rows of different sequences (`--sequences`: one row per record and output) never share a group key with
/// another row at an overlapping place, so nothing is merged there.
public enum SeqletMerging {
    public struct Result: Sendable {
        public let seqlets: [Seqlet]
        /// Sightings folded into another seqlet.
        public let merged: Int
        /// Sites whose sightings disagreed in sign (resolved by the aggregated track).
        public let conflicts: Int
    }

    /// Merges `seqlets` (rows of `places`); `scores(row)` gives a row's per-base relevance.
    public static func merge(_ seqlets: [Seqlet], places: [Window], scores: (Int) -> [Float]) -> Result {
        var groups: [String: [Int]] = [:]
        for (i, seqlet) in seqlets.enumerated() { groups[key(places[seqlet.row]), default: []].append(i) }
        var rowsOf: [String: [Int]] = [:]
        for (r, place) in places.enumerated() { rowsOf[key(place), default: []].append(r) }
        var kept = [Seqlet?](repeating: nil, count: seqlets.count)
        var merged = 0, conflicts = 0
        var cache: [Int: [Float]] = [:]
        for (groupKey, members) in groups {
            let rows = rowsOf[groupKey]!
            guard rows.count > 1 else {
                for i in members { kept[i] = seqlets[i] }
                continue
            }
            let sortedRows = rows.sorted { places[$0].start < places[$1].start }
            let genomeStart = { (i: Int) in places[seqlets[i].row].start + seqlets[i].coreStart }
            let genomeEnd = { (i: Int) in places[seqlets[i].row].start + seqlets[i].coreEnd }
            let byStart = members.sorted { genomeStart($0) < genomeStart($1) }
            let position = Dictionary(uniqueKeysWithValues: byStart.enumerated().map { ($1, $0) })
            let widest = members.map { seqlets[$0].coreEnd - seqlets[$0].coreStart }.max() ?? 0
            var taken = Set<Int>()
            let strongest = members.sorted { seqlets[$0].score != seqlets[$1].score ? seqlets[$0].score > seqlets[$1].score : $0 < $1 }
            for i in strongest where !taken.contains(i) {
                taken.insert(i)
                var sightings = [i]
                // Neighbours in genome order whose cores overlap this one, from other rows.
                let (s, e) = (genomeStart(i), genomeEnd(i))
                var k = position[i]! - 1
                while k >= 0, genomeStart(byStart[k]) > s - widest {
                    let j = byStart[k]
                    if !taken.contains(j), seqlets[j].row != seqlets[i].row, genomeEnd(j) > s { sightings.append(j) }
                    k -= 1
                }
                k = position[i]! + 1
                while k < byStart.count, genomeStart(byStart[k]) < e {
                    let j = byStart[k]
                    if !taken.contains(j), seqlets[j].row != seqlets[i].row { sightings.append(j) }
                    k += 1
                }
                // At most one sighting per row: the strongest of each (the list is in no particular order).
                var perRow: [Int: Int] = [seqlets[i].row: i]
                for j in sightings.dropFirst() where perRow[seqlets[j].row].map({ seqlets[$0].score < seqlets[j].score }) ?? true {
                    perRow[seqlets[j].row] = j
                }
                let chosen = Array(perRow.values)
                for j in chosen { taken.insert(j) }
                merged += chosen.count - 1
                var site = seqlets[i]
                if Set(chosen.map { seqlets[$0].sign }).count > 1 {
                    conflicts += 1
                    let total = aggregate(start: s, end: e, contigRows: sortedRows, places: places) { row in
                        if let cached = cache[row] { return cached }
                        let values = scores(row)
                        cache[row] = values
                        return values
                    }
                    guard total != 0 else { continue }
                    let sign: Seqlet.Sign = total > 0 ? .positive : .negative
                    let winner = chosen.filter { seqlets[$0].sign == sign }.max { seqlets[$0].score < seqlets[$1].score }!
                    site = seqlets[winner]
                    site.score = abs(total)
                } else {
                    site.score = chosen.reduce(Float(0)) { $0 + seqlets[$1].score } / Float(chosen.count)
                }
                site.windows = chosen.count
                kept[i] = site
            }
        }
        return Result(seqlets: kept.compactMap { $0 }, merged: merged, conflicts: conflicts)
    }

    /// Rows that can overlap: same contig, strand and explained output.
    static func key(_ place: Window) -> String {
        let name = place.label
        let output = name.lastIndex(of: "|").map { String(name[name.index(after: $0)...]) } ?? ""
        return "\(place.contig)\t\(place.strand.symbol)\t\(output)"
    }

    /// Σ over genome bases [start, end) of the mean relevance of the rows (sorted by start) covering each base.
    static func aggregate(start: Int, end: Int, contigRows: [Int], places: [Window],
                          scores: (Int) -> [Float]) -> Float {
        var total: Float = 0
        let longest = contigRows.map { places[$0].end - places[$0].start }.max() ?? 0
        for x in start..<end {
            // Rows starting at or before x, walked back while they can still reach x.
            var low = 0, high = contigRows.count
            while low < high {
                let mid = (low + high) / 2
                if places[contigRows[mid]].start <= x { low = mid + 1 } else { high = mid }
            }
            var sum: Float = 0, n = 0
            var k = low - 1
            while k >= 0, places[contigRows[k]].start > x - longest {
                let r = contigRows[k]
                let values = scores(r)
                let column = x - places[r].start
                if x < places[r].end, column < values.count { sum += values[column]; n += 1 }
                k -= 1
            }
            if n > 0 { total += sum / Float(n) }
        }
        return total
    }
}
