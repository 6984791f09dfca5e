using System.Globalization;
using System.IO.Ports;
using Loos.Edge.Modbus.Protocol;

namespace Loos.Edge.Modbus;

/// <summary>How to reach a Modbus TCP device or gateway (MBAP framing).</summary>
public sealed class ModbusTcpOptions
{
    /// <summary>Host name or IP address; required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>TCP port; 502 by default (MODBUS Messaging on TCP/IP Implementation Guide v1.0b §4.1.2).</summary>
    public int Port { get; set; } = 502;

    /// <summary>How long opening the connection may take; 3 s by default.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long to wait for a reply; 1 s by default.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Pause between a reply and the next request, for devices that need one; none by default.</summary>
    public TimeSpan InterRequestQuietTime { get; set; } = TimeSpan.Zero;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is missing or out of range; the message names it.</exception>
    public void Validate()
    {
        ModbusOptionChecks.Host(Host);
        ModbusOptionChecks.Port(Port);
        ModbusOptionChecks.Positive(ConnectTimeout, nameof(ConnectTimeout));
        ModbusOptionChecks.Positive(ResponseTimeout, nameof(ResponseTimeout));
        ModbusOptionChecks.NotNegative(InterRequestQuietTime, nameof(InterRequestQuietTime));
    }
}

/// <summary>How to reach a serial gateway that carries RTU frames (with CRC) over TCP.</summary>
public sealed class ModbusRtuOverTcpOptions
{
    /// <summary>Host name or IP address of the gateway; required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>TCP port of the gateway; 502 by default.</summary>
    public int Port { get; set; } = 502;

    /// <summary>Baud rate of the serial line behind the gateway, for the silent intervals; 9600 by default.</summary>
    public int BaudRate { get; set; } = 9600;

    /// <summary>How long opening the connection may take; 3 s by default.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long to wait for a reply; 1 s by default.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Silence after which received bytes that are not a valid frame are discarded; 50 ms by default, since TCP
    /// segments and the gateway's own buffering break a frame at arbitrary points.
    /// </summary>
    public TimeSpan InterCharacterTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Pause between a reply and the next request, on top of the 3.5-character silence; none by default.</summary>
    public TimeSpan InterRequestQuietTime { get; set; } = TimeSpan.Zero;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is missing or out of range; the message names it.</exception>
    public void Validate()
    {
        ModbusOptionChecks.Host(Host);
        ModbusOptionChecks.Port(Port);
        ModbusOptionChecks.BaudRate(BaudRate);
        ModbusOptionChecks.Positive(ConnectTimeout, nameof(ConnectTimeout));
        ModbusOptionChecks.Positive(ResponseTimeout, nameof(ResponseTimeout));
        ModbusOptionChecks.Positive(InterCharacterTimeout, nameof(InterCharacterTimeout));
        ModbusOptionChecks.NotNegative(InterRequestQuietTime, nameof(InterRequestQuietTime));
    }
}

/// <summary>How to reach devices on a serial line in RTU mode (Modbus over Serial Line v1.02).</summary>
public sealed class ModbusSerialOptions
{
    /// <summary>The serial device, e.g. <c>/dev/ttyUSB0</c>; required.</summary>
    public string DevicePath { get; set; } = string.Empty;

    /// <summary>Baud rate; 9600 by default, a rate the serial line spec requires every device to support and the one most energy meters ship with.</summary>
    public int BaudRate { get; set; } = 9600;

    /// <summary>Parity; <see cref="System.IO.Ports.Parity.Even"/> by default (§2.5.1: even parity is required by default).</summary>
    public Parity Parity { get; set; } = Parity.Even;

    /// <summary>Data bits; 8, as RTU mode requires (§2.5.1).</summary>
    public int DataBits { get; set; } = 8;

    /// <summary>Stop bits; one by default (§2.5.1: with no parity, two stop bits keep the character at 11 bits).</summary>
    public StopBits StopBits { get; set; } = StopBits.One;

    /// <summary>How long to wait for a reply; 1 s by default.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Silence inside a reply after which the bytes so far are discarded as a broken frame. By default t1.5 from the
    /// baud rate (750 µs above 19200 baud, §2.5.1.1) but at least 10 ms, because USB serial adapters and the kernel
    /// deliver received bytes in bursts a few milliseconds apart.
    /// </summary>
    public TimeSpan? InterCharacterTimeout { get; set; }

    /// <summary>Pause between a reply and the next request, on top of the 3.5-character silence; none by default.</summary>
    public TimeSpan InterRequestQuietTime { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// RS-485 direction control in software: raise RTS while sending and drop it once the frame has left the UART.
    /// Off by default: most USB RS-485 adapters switch direction in hardware; use it for transceivers whose driver
    /// enable is wired to RTS.
    /// </summary>
    public bool ToggleRtsForDirection { get; set; }

    /// <summary>For messages: <c>rtu:///dev/ttyUSB0@9600-8E1</c>.</summary>
    public string Endpoint => string.Create(
        CultureInfo.InvariantCulture,
        $"rtu://{DevicePath}@{BaudRate}-{DataBits}{Parity.ToString()[0]}{(StopBits == StopBits.Two ? 2 : StopBits == StopBits.OnePointFive ? 1.5 : 1)}");

    /// <summary>The inter-character timeout in force.</summary>
    public TimeSpan EffectiveInterCharacterTimeout =>
        InterCharacterTimeout ?? Max(RtuTiming.InterCharacterTimeout(BaudRate), TimeSpan.FromMilliseconds(10));

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is missing or out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DevicePath))
        {
            throw new ArgumentException("DevicePath is required, e.g. /dev/ttyUSB0.", nameof(DevicePath));
        }

        ModbusOptionChecks.BaudRate(BaudRate);
        if (DataBits is < 7 or > 8)
        {
            throw new ArgumentException($"DataBits {DataBits} is not 7 or 8.", nameof(DataBits));
        }

        if (StopBits == StopBits.None)
        {
            throw new ArgumentException("StopBits None is not a valid serial setting.", nameof(StopBits));
        }

        ModbusOptionChecks.Positive(ResponseTimeout, nameof(ResponseTimeout));
        if (InterCharacterTimeout is { } timeout)
        {
            ModbusOptionChecks.Positive(timeout, nameof(InterCharacterTimeout));
        }

        ModbusOptionChecks.NotNegative(InterRequestQuietTime, nameof(InterRequestQuietTime));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

internal static class ModbusOptionChecks
{
    public static void Host(string host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new ArgumentException("Host is required.", nameof(host));
        }
    }

    public static void Port(int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new ArgumentException($"Port {port} is not between 1 and 65535.", nameof(port));
        }
    }

    public static void BaudRate(int baudRate)
    {
        if (baudRate is < 300 or > 1_000_000)
        {
            throw new ArgumentException($"BaudRate {baudRate} is not between 300 and 1000000.", nameof(baudRate));
        }
    }

    public static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive, got {value}.", name);
        }
    }

    public static void NotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must not be negative, got {value}.", name);
        }
    }
}
