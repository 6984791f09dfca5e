using System.Diagnostics.CodeAnalysis;

namespace Loos.Edge.MBus.Master;

/// <summary>How the reading of a meter ended.</summary>
public enum MBusOutcomeKind : byte
{
    /// <summary>The meter answered with valid telegrams.</summary>
    Success = 0,

    /// <summary>The meter did not answer within the response timeout, after every retry.</summary>
    NoReply,

    /// <summary>
    /// Something answered, but not with a valid reply (bad checksum, cut off, several meters answering a selection),
    /// after every retry.
    /// </summary>
    InvalidReply,

    /// <summary>A reply passed the link-layer checks, but its user data is malformed.</summary>
    InvalidTelegram,
}

/// <summary>How reading a meter into an <see cref="MBusRecordBuffer"/> ended: success, or the field failure a technician can read.</summary>
/// <param name="Kind">How the reading ended.</param>
/// <param name="Detail">What went wrong, naming the meter and the port; null on success.</param>
/// <param name="Reason">Why a reply or telegram was rejected, e.g. "checksum mismatch"; null for success and for no reply.</param>
/// <param name="Offset">The byte offset of the fault in the rejected reply or telegram.</param>
public readonly record struct MBusReadStatus(MBusOutcomeKind Kind, string? Detail, string? Reason, int Offset)
{
    /// <summary>The meter answered with valid telegrams.</summary>
    public static MBusReadStatus Success => default;

    [MemberNotNullWhen(false, nameof(Detail))]
    public bool IsSuccess => Kind == MBusOutcomeKind.Success;

    /// <summary>The meter stayed silent.</summary>
    public static MBusReadStatus NoReply(string detail) => new(MBusOutcomeKind.NoReply, detail, null, 0);

    /// <summary>The replies were not valid frames: <paramref name="reason"/> at byte <paramref name="offset"/>.</summary>
    public static MBusReadStatus InvalidReply(string detail, string reason, int offset) => new(MBusOutcomeKind.InvalidReply, detail, reason, offset);

    /// <summary>A valid frame whose user data is malformed: <paramref name="reason"/> at byte <paramref name="offset"/>.</summary>
    public static MBusReadStatus InvalidTelegram(string detail, string reason, int offset) => new(MBusOutcomeKind.InvalidTelegram, detail, reason, offset);

    public override string ToString() => Detail ?? "success";
}

/// <summary>The result of reading a meter: its readout, or the field failure a technician can read.</summary>
public sealed class MBusReadResult
{
    private MBusReadResult()
    {
    }

    /// <summary>How the reading ended.</summary>
    public MBusOutcomeKind Kind { get; private init; }

    /// <summary>What the meter sent; null unless <see cref="IsSuccess"/>.</summary>
    public MBusReadout? Readout { get; private init; }

    /// <summary>What went wrong, naming the meter and the port; null on success.</summary>
    public string? Detail { get; private init; }

    /// <summary>Why a reply or telegram was rejected, e.g. "checksum mismatch"; null for success and for no reply.</summary>
    public string? Reason { get; private init; }

    /// <summary>The byte offset of the fault in the rejected reply or telegram.</summary>
    public int Offset { get; private init; }

    [MemberNotNullWhen(true, nameof(Readout))]
    [MemberNotNullWhen(false, nameof(Detail))]
    public bool IsSuccess => Kind == MBusOutcomeKind.Success;

    /// <summary>The meter answered with <paramref name="readout"/>.</summary>
    public static MBusReadResult Success(MBusReadout readout) => new() { Readout = readout };

    /// <summary>The meter stayed silent.</summary>
    public static MBusReadResult NoReply(string detail) => new() { Kind = MBusOutcomeKind.NoReply, Detail = detail };

    /// <summary>The replies were not valid frames: <paramref name="reason"/> at byte <paramref name="offset"/>.</summary>
    public static MBusReadResult InvalidReply(string detail, string reason, int offset) =>
        new() { Kind = MBusOutcomeKind.InvalidReply, Detail = detail, Reason = reason, Offset = offset };

    /// <summary>A valid frame whose user data is malformed: <paramref name="reason"/> at byte <paramref name="offset"/>.</summary>
    public static MBusReadResult InvalidTelegram(string detail, string reason, int offset) =>
        new() { Kind = MBusOutcomeKind.InvalidTelegram, Detail = detail, Reason = reason, Offset = offset };

    /// <summary>The result of a read that ended with <paramref name="status"/>, with its telegrams copied out of <paramref name="records"/> on success.</summary>
    internal static MBusReadResult From(MBusReadStatus status, MBusRecordBuffer records)
    {
        if (!status.IsSuccess)
        {
            return new() { Kind = status.Kind, Detail = status.Detail, Reason = status.Reason, Offset = status.Offset };
        }

        var telegrams = new MBusTelegram[records.TelegramCount];
        for (var index = 0; index < telegrams.Length; index++)
        {
            telegrams[index] = MBusTelegram.From(records.HeaderOf(index), records.RecordsOf(index));
        }

        return Success(new MBusReadout { Telegrams = telegrams, Truncated = records.Truncated });
    }

    public override string ToString() => Detail ?? "success";
}
