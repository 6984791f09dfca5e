using System.IO.Ports;
using Loos.Edge.Modbus;

namespace Loos.Edge.Verbs.Modbus;

/// <summary>
/// Where a Modbus verb connects: exactly one of <c>--tcp</c>, <c>--rtu</c> (with the serial line's options) and, where
/// offered, <c>--rtu-over-tcp</c>, and a response timeout.
/// </summary>
public sealed class ModbusConnectionOptions
{
    // MODBUS Messaging on TCP/IP Implementation Guide v1.0b §4.1.2: the registered port.
    private const int ModbusPort = 502;

    private readonly Option<TcpEndpoint?> tcp = TcpEndpoint.Option("--tcp", ModbusPort, "Modbus TCP device or gateway, HOST:PORT (port 502 when absent).");
    private readonly Option<string?> rtu = new("--rtu") { Description = "Serial device in RTU mode, e.g. /dev/ttyUSB0." };
    private readonly Option<TcpEndpoint?>? rtuOverTcp;
    private readonly Option<int> baud = SerialLineOptions.Baud(9600);
    private readonly Option<Parity> parity = SerialLineOptions.Parity("N, E or O; E is the Modbus default (Modbus over Serial Line v1.02 §2.5.1).");
    private readonly Option<StopBits> stop = SerialLineOptions.StopBits();
    private readonly Option<TimeSpan?> timeout;
    private readonly TimeSpan defaultTimeout;
    private readonly bool serialOptionsOnlyWithRtu;

    /// <param name="defaultTimeout">The response timeout when the option is absent.</param>
    /// <param name="offerRtuOverTcp">Whether <c>--rtu-over-tcp</c> is offered.</param>
    /// <param name="serialOptionsOnlyWithRtu">Whether <c>--baud</c>, <c>--parity</c> or <c>--stop</c> beside <c>--tcp</c> is refused.</param>
    public ModbusConnectionOptions(TimeSpan defaultTimeout, bool offerRtuOverTcp, bool serialOptionsOnlyWithRtu)
    {
        this.defaultTimeout = defaultTimeout;
        this.serialOptionsOnlyWithRtu = serialOptionsOnlyWithRtu;
        timeout = SerialLineOptions.ResponseTimeout(
            "--timeout-ms",
            string.Create(CultureInfo.InvariantCulture, $"Response timeout in milliseconds (default {defaultTimeout.TotalMilliseconds})."));
        rtuOverTcp = offerRtuOverTcp
            ? TcpEndpoint.Option("--rtu-over-tcp", ModbusPort, "Serial gateway passing RTU frames over TCP, HOST:PORT.")
            : null;
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option?[] { tcp, rtu, rtuOverTcp, baud, parity, stop, timeout })
        {
            if (option is not null)
            {
                command.Options.Add(option);
            }
        }
    }

    /// <summary>The connection the options name, or the problem when they name none or several.</summary>
    public ModbusConnection? Read(ParseResult parse, out string? problem)
    {
        problem = null;
        var endpoint = parse.GetValue(tcp);
        var device = parse.GetValue(rtu);
        var rtuGateway = rtuOverTcp is null ? null : parse.GetValue(rtuOverTcp);
        if ((endpoint is null ? 0 : 1) + (device is null ? 0 : 1) + (rtuGateway is null ? 0 : 1) != 1)
        {
            problem = rtuOverTcp is null
                ? "give exactly one of --tcp HOST:PORT or --rtu DEVICE"
                : "give exactly one of --tcp HOST:PORT, --rtu DEVICE or --rtu-over-tcp HOST:PORT";
            return null;
        }

        if (device is null && serialOptionsOnlyWithRtu && new Option[] { baud, parity, stop }.Any(option => parse.GetResult(option) is { Implicit: false }))
        {
            problem = "--baud, --parity and --stop apply to --rtu only";
            return null;
        }

        var responseTimeout = parse.GetValue(timeout) ?? defaultTimeout;
        var serial = device is null ? null : new ModbusSerialOptions
        {
            DevicePath = device,
            BaudRate = parse.GetValue(baud),
            Parity = parse.GetValue(parity),
            StopBits = parse.GetValue(stop),
            ResponseTimeout = responseTimeout,
        };
        return new ModbusConnection(endpoint ?? rtuGateway, rtuGateway is not null, serial, responseTimeout);
    }
}

/// <summary>A Modbus device's connection as the command line gives it: a TCP endpoint, or a serial line.</summary>
public sealed record ModbusConnection(TcpEndpoint? Endpoint, bool RtuOverTcp, ModbusSerialOptions? Serial, TimeSpan ResponseTimeout)
{
    /// <summary>The serial line at another baud rate and parity, for a scan.</summary>
    public ModbusSerialOptions SerialWith(int baudRate, Parity parity) => new()
    {
        DevicePath = Serial!.DevicePath,
        BaudRate = baudRate,
        Parity = parity,
        StopBits = Serial.StopBits,
        ResponseTimeout = ResponseTimeout,
    };

    /// <summary>A client for <paramref name="serial"/> when given, else for the TCP endpoint.</summary>
    /// <exception cref="ArgumentException">The options name a connection that cannot be made.</exception>
    public IModbusClient CreateClient(ModbusSerialOptions? serial) => serial is not null
        ? ModbusClient.CreateRtu(serial)
        : RtuOverTcp
            ? ModbusClient.CreateRtuOverTcp(new ModbusRtuOverTcpOptions { Host = Endpoint!.Value.Host, Port = Endpoint.Value.Port, ResponseTimeout = ResponseTimeout })
            : ModbusClient.CreateTcp(new ModbusTcpOptions { Host = Endpoint!.Value.Host, Port = Endpoint.Value.Port, ResponseTimeout = ResponseTimeout });
}
