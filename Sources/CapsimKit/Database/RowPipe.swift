import Foundation
import GRDB

/// Rows handed from the thread that generates them to the thread that inserts them, in
/// batches, so that generating the next rows overlaps SQLite writing the last ones (two
/// cores). At most `depth` batches wait; the producer blocks beyond that, so memory stays
/// bounded. Rows arrive in the order they were sent.
final class RowPipe: @unchecked Sendable {
    // Sound as @unchecked Sendable: `batches`, `isClosed`, `isCancelled` and `failure` are read
    // and written only while `condition` is locked; `current` and `shapes` belong to the one
    // producer thread (send, flush, close).
    private let condition = NSCondition()
    private var batches: [RowBatch] = []
    private var isClosed = false
    private var isCancelled = false
    private var failure: (any Error)?
    private let depth: Int
    private let batchSize: Int
    /// The batch being filled, and the shapes numbered so far: the producer's only.
    private var current = RowBatch()
    private var shapes: [String: TableInserter.Shape] = [:]

    init(batchSize: Int = 4096, depth: Int = 4) {
        self.batchSize = batchSize
        self.depth = depth
    }

    /// Producer: queues a row. Throws `CancellationError` once the consumer has stopped.
    func send(_ table: String, _ columns: [String], _ values: [(any DatabaseValueConvertible)?]) throws {
        let key = table + "(" + columns.joined(separator: ",")
        let shape = shapes[key] ?? TableInserter.Shape(id: shapes.count, table: table, columns: columns)
        shapes[key] = shape
        current.append(shape, values)
        if current.rows.count >= batchSize { try flush() }
    }

    private func flush() throws {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= depth, !isCancelled { condition.wait() }
        if isCancelled { throw CancellationError() }
        batches.append(current)
        current = RowBatch()
        condition.broadcast()
    }

    /// Producer: sends what is left and marks the end, or records why it stopped.
    func close(failure error: (any Error)? = nil) {
        if error == nil, !current.rows.isEmpty { try? flush() }
        condition.lock()
        if let error, !(error is CancellationError) { failure = error }
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next batch, or nil at the end. Throws the producer's error.
    func next() throws -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty, !isClosed { condition.wait() }
        if !batches.isEmpty {
            condition.broadcast()
            return batches.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Consumer: stops the producer (its next send throws).
    func cancel() {
        condition.lock()
        isCancelled = true
        batches.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
