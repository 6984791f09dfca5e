using Loos.Edge.Modbus.Protocol;
using Loos.Edge.Modbus.Transport;
using Loos.Edge.Polling.Serial;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Modbus;

/// <summary>Creates Modbus masters. Connections open on the first request and reopen after a failure.</summary>
public static class ModbusClient
{
    /// <summary>A master for a Modbus TCP device or gateway (MBAP framing, transaction ids matched).</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static IModbusClient CreateTcp(ModbusTcpOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;
        var transport = new MbapTransport(
            options.Host, options.Port, options.ConnectTimeout, options.ResponseTimeout, options.InterRequestQuietTime, timeProvider ?? TimeProvider.System, logger);
        return new ModbusMaster(transport);
    }

    /// <summary>A master for an RTU serial line, through System.IO.Ports.</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static IModbusClient CreateRtu(ModbusSerialOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var settings = new SerialLineSettings(options.DevicePath, options.BaudRate, options.Parity, options.DataBits, options.StopBits, options.ToggleRtsForDirection);
        var timing = new RtuTimingOptions(
            options.BaudRate, options.ResponseTimeout, RtuTiming.InterFrameDelay(options.BaudRate), options.EffectiveInterCharacterTimeout, options.InterRequestQuietTime);
        return Rtu(new SerialLine(settings, options.Endpoint), timing, logger, timeProvider);
    }

    /// <summary>A master for a serial gateway that passes RTU frames over TCP.</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static IModbusClient CreateRtuOverTcp(ModbusRtuOverTcpOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var timing = new RtuTimingOptions(
            options.BaudRate, options.ResponseTimeout, RtuTiming.InterFrameDelay(options.BaudRate), options.InterCharacterTimeout, options.InterRequestQuietTime);
        return Rtu(new TcpRtuLine(options.Host, options.Port, options.ConnectTimeout), timing, logger, timeProvider);
    }

    private static ModbusMaster Rtu(IBusLine line, RtuTimingOptions timing, ILogger? logger, TimeProvider? timeProvider) =>
        new(new RtuTransport(line, timing, timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance));
}
