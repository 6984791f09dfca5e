namespace Loos.Edge.Core;

/// <summary>
/// A reading sink that keeps, in the same write and fsync as an append's readings, a note of the messages they came
/// from, and gives the latest notes back after a restart: a source whose peer delivers again what was not
/// acknowledged before a crash can then tell what it already stored.
/// </summary>
public interface IDeliveryJournal : IReadingSink
{
    /// <summary>
    /// Appends <paramref name="readings"/> as <see cref="IReadingSink.AppendAsync"/> does, with
    /// <paramref name="deliveryNote"/> (opaque to the sink): after a crash at any instant, either both are on disk or
    /// neither is taken back.
    /// </summary>
    /// <exception cref="BufferFullException">The disk cap is reached and eviction is disabled.</exception>
    ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="readings"/> with <paramref name="deliveryNote"/> as the overload without
    /// <paramref name="durability"/> does, completing when <paramref name="durability"/> says (see <see cref="IReadingSink.AppendAsync(ReadOnlyMemory{Reading}, AppendDurability, CancellationToken)"/>).
    /// </summary>
    /// <exception cref="BufferFullException">The disk cap is reached and eviction is disabled.</exception>
    ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, AppendDurability durability, CancellationToken cancellationToken = default) =>
        AppendAsync(readings, deliveryNote, cancellationToken);

    /// <summary>The notes of the latest appends found when the sink was opened (what the previous runs stored last), oldest first.</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> RecoveredDeliveryNotes { get; }
}
