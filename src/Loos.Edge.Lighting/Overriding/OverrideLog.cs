using Microsoft.Extensions.Logging;

namespace Loos.Edge.Lighting.Overriding;

internal static partial class OverrideLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "The lighting overrides file {File} is damaged ({Reason}); it is kept aside as {DamagedFile} and the gateway starts with no override.")]
    public static partial void Damaged(ILogger logger, string file, string reason, string damagedFile);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "The lighting overrides file {File} is refused: {Reason}. It is left as it is; overrides are refused until a gateway that reads it runs, or the file is moved away.")]
    public static partial void Newer(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Lighting override {Id} applied: level {Level} % on {Circuits} from {From:O} until {Until:O} ({Reason}).")]
    public static partial void Added(ILogger logger, string id, int level, string circuits, DateTimeOffset from, DateTimeOffset until, string reason);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Lighting override {Id} cancelled.")]
    public static partial void Cancelled(ILogger logger, string id);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Information, Message = "Lighting overrides: {Count} kept from {File}.")]
    public static partial void Loaded(ILogger logger, int count, string file);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "A lighting override request on MQTT topic {Topic} could not be answered: the reply was not accepted by the broker.")]
    public static partial void ReplyNotSent(ILogger logger, string topic);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Error, Message = "The lighting overrides file {File} could not be written; the change was not applied.")]
    public static partial void WriteFailed(ILogger logger, string file, Exception exception);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Information, Message = "A lighting override request was refused: {Reason}.")]
    public static partial void Refused(ILogger logger, string reason);
}
