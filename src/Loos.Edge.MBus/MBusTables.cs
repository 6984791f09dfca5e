namespace Loos.Edge.MBus;

/// <summary>How a value coded by a VIF is presented.</summary>
internal enum VifKind
{
    Number,
    Date,
    DateTime,
    Identity,
}

/// <summary>The meaning of a VIF: quantity, normalised unit and the factor from the raw value to that unit.</summary>
internal readonly record struct VifMeaning(string Quantity, string Unit, double Scale, VifKind Kind = VifKind.Number);

/// <summary>The code tables of EN 13757-3, named by their titles (their numbers move between editions).</summary>
internal static class MBusTables
{
    private static readonly double[] PowersOfTen = [1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

    // Wh per J, for energy sent in J (1 Wh = 3600 J).
    private const double WattHoursPerJoule = 1.0 / 3600;

    // Seconds for the time-unit bits nn of durations: 00 s, 01 min, 10 h, 11 days (EN 13757-3, primary VIF table, note on E010 00nn).
    private static readonly double[] DurationSeconds = [1, 60, 3600, 86400];

    internal static double Pow10(int exponent) => PowersOfTen[exponent + 12];

    /// <summary>EN 13757-3 "Primary VIF-codes", the extension bit removed.</summary>
    internal static VifMeaning Primary(int vif)
    {
        var n3 = vif & 0x07;
        var n2 = vif & 0x03;
        return vif switch
        {
            <= 0x07 => new("energy", "Wh", Pow10(n3 - 3)),                                    // E000 0nnn 10^(nnn-3) Wh
            <= 0x0F => new("energy", "Wh", Pow10(n3) * WattHoursPerJoule),                    // E000 1nnn 10^nnn J
            <= 0x17 => new("volume", "m³", Pow10(n3 - 6)),                                    // E001 0nnn 10^(nnn-6) m³
            <= 0x1F => new("mass", "kg", Pow10(n3 - 3)),                                      // E001 1nnn 10^(nnn-3) kg
            <= 0x23 => new("onTime", "s", DurationSeconds[n2]),                               // E010 00nn
            <= 0x27 => new("operatingTime", "s", DurationSeconds[n2]),                        // E010 01nn
            <= 0x2F => new("power", "W", Pow10(n3 - 3)),                                      // E010 1nnn 10^(nnn-3) W
            <= 0x37 => new("power", "W", Pow10(n3) / 3600),                                   // E011 0nnn 10^nnn J/h
            <= 0x3F => new("volumeFlow", "m³/h", Pow10(n3 - 6)),                              // E011 1nnn 10^(nnn-6) m³/h
            <= 0x47 => new("volumeFlow", "m³/h", Pow10(n3 - 7) * 60),                         // E100 0nnn 10^(nnn-7) m³/min
            <= 0x4F => new("volumeFlow", "m³/h", Pow10(n3 - 9) * 3600),                       // E100 1nnn 10^(nnn-9) m³/s
            <= 0x57 => new("massFlow", "kg/h", Pow10(n3 - 3)),                                // E101 0nnn 10^(nnn-3) kg/h
            <= 0x5B => new("flowTemperature", "°C", Pow10(n2 - 3)),                           // E101 10nn 10^(nn-3) °C
            <= 0x5F => new("returnTemperature", "°C", Pow10(n2 - 3)),                         // E101 11nn
            <= 0x63 => new("temperatureDifference", "K", Pow10(n2 - 3)),                      // E110 00nn 10^(nn-3) K
            <= 0x67 => new("externalTemperature", "°C", Pow10(n2 - 3)),                       // E110 01nn
            <= 0x6B => new("pressure", "bar", Pow10(n2 - 3)),                                 // E110 10nn 10^(nn-3) bar
            0x6C => new("date", string.Empty, 1, VifKind.Date),                               // E110 1100 type G
            0x6D => new("dateTime", string.Empty, 1, VifKind.DateTime),                       // E110 1101 type F (or I)
            0x6E => new("hcaUnits", string.Empty, 1),                                         // E110 1110 units for H.C.A.
            0x6F => new("reserved", string.Empty, 1),                                         // E110 1111 reserved
            <= 0x73 => new("averagingDuration", "s", DurationSeconds[n2]),                    // E111 00nn
            <= 0x77 => new("actualityDuration", "s", DurationSeconds[n2]),                    // E111 01nn
            0x78 => new("fabricationNumber", string.Empty, 1, VifKind.Identity),              // E111 1000
            0x79 => new("enhancedIdentification", string.Empty, 1, VifKind.Identity),         // E111 1001
            0x7A => new("busAddress", string.Empty, 1),                                       // E111 1010
            0x7B or 0x7D => new("reserved", string.Empty, 1),                                 // E111 1011 / E111 1101 without the extension bit: no table follows
            0x7E => new("any", string.Empty, 1),                                              // E111 1110 any VIF (readout request)
            _ => new("manufacturerSpecific", string.Empty, 1),                                // E111 1111
        };
    }

    /// <summary>EN 13757-3 "Main VIFE-code extension table", after VIF 0xFD.</summary>
    internal static VifMeaning ExtensionFD(int code)
    {
        var n2 = code & 0x03;
        return code switch
        {
            <= 0x03 => new("credit", string.Empty, Pow10(n2 - 3)),                            // E000 00nn currency units
            <= 0x07 => new("debit", string.Empty, Pow10(n2 - 3)),                             // E000 01nn
            0x08 => new("accessNumber", string.Empty, 1),                                     // E000 1000
            0x09 => new("medium", string.Empty, 1),                                           // E000 1001
            0x0A => new("manufacturer", string.Empty, 1),                                     // E000 1010
            0x0B => new("parameterSetIdentification", string.Empty, 1),                       // E000 1011
            0x0C => new("modelVersion", string.Empty, 1),                                     // E000 1100
            0x0D => new("hardwareVersion", string.Empty, 1),                                  // E000 1101
            0x0E => new("firmwareVersion", string.Empty, 1),                                  // E000 1110
            0x0F => new("softwareVersion", string.Empty, 1),                                  // E000 1111
            0x10 => new("customerLocation", string.Empty, 1),                                 // E001 0000
            0x11 => new("customer", string.Empty, 1),                                         // E001 0001
            0x12 => new("accessCodeUser", string.Empty, 1),                                   // E001 0010
            0x13 => new("accessCodeOperator", string.Empty, 1),                               // E001 0011
            0x14 => new("accessCodeSystemOperator", string.Empty, 1),                         // E001 0100
            0x15 => new("accessCodeDeveloper", string.Empty, 1),                              // E001 0101
            0x16 => new("password", string.Empty, 1),                                         // E001 0110
            0x17 => new("errorFlags", string.Empty, 1),                                       // E001 0111
            0x18 => new("errorMask", string.Empty, 1),                                        // E001 1000
            0x1A => new("digitalOutput", string.Empty, 1),                                    // E001 1010
            0x1B => new("digitalInput", string.Empty, 1),                                     // E001 1011
            0x1C => new("baudRate", "Bd", 1),                                                 // E001 1100
            0x1D => new("responseDelayTime", string.Empty, 1),                                // E001 1101 bit times
            0x1E => new("retry", string.Empty, 1),                                            // E001 1110
            0x20 => new("firstStorageNumber", string.Empty, 1),                               // E010 0000
            0x21 => new("lastStorageNumber", string.Empty, 1),                                // E010 0001
            0x22 => new("storageBlockSize", string.Empty, 1),                                 // E010 0010
            >= 0x24 and <= 0x27 => new("storageInterval", "s", DurationSeconds[n2]),          // E010 01nn
            0x28 => new("storageIntervalMonths", string.Empty, 1),                            // E010 1000
            0x29 => new("storageIntervalYears", string.Empty, 1),                             // E010 1001
            >= 0x2C and <= 0x2F => new("durationSinceLastReadout", "s", DurationSeconds[n2]), // E010 11nn
            0x30 => new("tariffStart", string.Empty, 1, VifKind.DateTime),                    // E011 0000
            >= 0x31 and <= 0x33 => new("tariffDuration", "s", DurationSeconds[n2]),           // E011 00nn, nn > 0
            >= 0x34 and <= 0x37 => new("tariffPeriod", "s", DurationSeconds[n2]),             // E011 01nn
            0x38 => new("tariffPeriodMonths", string.Empty, 1),                               // E011 1000
            0x39 => new("tariffPeriodYears", string.Empty, 1),                                // E011 1001
            0x3A => new("dimensionless", string.Empty, 1),                                    // E011 1010
            >= 0x40 and <= 0x4F => new("voltage", "V", Pow10((code & 0x0F) - 9)),             // E100 nnnn 10^(nnnn-9) V
            >= 0x50 and <= 0x5F => new("current", "A", Pow10((code & 0x0F) - 12)),            // E101 nnnn 10^(nnnn-12) A
            0x60 => new("resetCounter", string.Empty, 1),                                     // E110 0000
            0x61 => new("cumulationCounter", string.Empty, 1),                                // E110 0001
            0x62 => new("controlSignal", string.Empty, 1),                                    // E110 0010
            0x63 => new("dayOfWeek", string.Empty, 1),                                        // E110 0011
            0x64 => new("weekNumber", string.Empty, 1),                                       // E110 0100
            0x65 => new("dayChangeTimePoint", string.Empty, 1),                               // E110 0101
            0x66 => new("parameterActivationState", string.Empty, 1),                         // E110 0110
            0x67 => new("specialSupplierInformation", string.Empty, 1),                       // E110 0111
            >= 0x68 and <= 0x6B => new("durationSinceLastCumulation", "s", DurationSeconds[n2]), // E110 10pp
            >= 0x6C and <= 0x6F => new("batteryOperatingTime", "s", DurationSeconds[n2]),     // E110 11pp
            0x70 => new("batteryChangeDateTime", string.Empty, 1, VifKind.DateTime),          // E111 0000
            _ => new("reserved", string.Empty, 1),
        };
    }

    /// <summary>EN 13757-3 "Alternate extended VIF-code table", after VIF 0xFB.</summary>
    internal static VifMeaning ExtensionFB(int code)
    {
        var n1 = code & 0x01;
        var n2 = code & 0x03;
        return code switch
        {
            <= 0x01 => new("energy", "Wh", Pow10(n1 - 1) * 1e6),                              // E000 000n 10^(n-1) MWh
            0x08 or 0x09 => new("energy", "Wh", Pow10(n1 - 1) * 1e9 * WattHoursPerJoule),     // E000 100n 10^(n-1) GJ
            0x10 or 0x11 => new("volume", "m³", Pow10(n1 + 2)),                               // E001 000n 10^(n+2) m³
            0x18 or 0x19 => new("mass", "kg", Pow10(n1 + 2) * 1000),                          // E001 100n 10^(n+2) t
            0x28 or 0x29 => new("power", "W", Pow10(n1 - 1) * 1e6),                           // E010 100n 10^(n-1) MW
            0x30 or 0x31 => new("power", "W", Pow10(n1 - 1) * 1e9 / 3600),                    // E011 000n 10^(n-1) GJ/h
            >= 0x74 and <= 0x77 => new("temperatureLimit", "°C", Pow10(n2 - 3)),              // E111 01nn 10^(nn-3) °C
            >= 0x78 and <= 0x7F => new("cumulativeMaximumPower", "W", Pow10((code & 0x07) - 3)), // E111 1nnn 10^(nnn-3) W
            _ => new("reserved", string.Empty, 1),
        };
    }

    /// <summary>EN 13757-3 "Device type identification" (the medium byte of the header).</summary>
    internal static string MediumName(byte code) => code switch
    {
        0x00 => "other",
        0x01 => "oil",
        0x02 => "electricity",
        0x03 => "gas",
        0x04 => "heat (outlet)",
        0x05 => "steam",
        0x06 => "warm water (30-90 °C)",
        0x07 => "water",
        0x08 => "heat cost allocator",
        0x09 => "compressed air",
        0x0A => "cooling load meter (outlet)",
        0x0B => "cooling load meter (inlet)",
        0x0C => "heat (inlet)",
        0x0D => "heat / cooling load meter",
        0x0E => "bus / system component",
        0x0F => "unknown medium",
        0x15 => "hot water (>= 90 °C)",
        0x16 => "cold water",
        0x17 => "dual register (hot/cold) water meter",
        0x18 => "pressure",
        0x19 => "A/D converter",
        0x1A => "smoke detector",
        0x1B => "room sensor",
        0x1C => "gas detector",
        0x20 => "breaker (electricity)",
        0x21 => "valve (gas or water)",
        0x25 => "customer unit (display device)",
        0x28 => "waste water",
        0x29 => "garbage",
        0x2A => "carbon dioxide",
        0x31 => "communication controller",
        0x32 => "unidirectional repeater",
        0x33 => "bidirectional repeater",
        0x36 => "radio converter (system side)",
        0x37 => "radio converter (meter side)",
        _ => "reserved",
    };

    /// <summary>EN 13757-3 "Codes for application errors" of a CI 0x70 reply.</summary>
    internal static string ApplicationErrorName(byte code) => code switch
    {
        0x00 => "unspecified error",
        0x01 => "unimplemented CI-field",
        0x02 => "buffer too long, truncated",
        0x03 => "too many records",
        0x04 => "premature end of record",
        0x05 => "more than 10 DIFEs",
        0x06 => "more than 10 VIFEs",
        0x08 => "application busy",
        0x09 => "too many readouts",
        _ => "reserved",
    };

    /// <summary>The medium of the fixed data structure (EN 13757-3, fixed data structure, medium codes of 4 bits).</summary>
    internal static string FixedMediumName(int code) => code switch
    {
        0x0 => "other",
        0x1 => "oil",
        0x2 => "electricity",
        0x3 => "gas",
        0x4 => "heat",
        0x5 => "steam",
        0x6 => "hot water",
        0x7 => "water",
        0x8 => "heat cost allocator",
        _ => "reserved",
    };

    /// <summary>A unit code of the fixed data structure (6 bits) as quantity, normalised unit and factor; EN 1434-3 fixed-structure unit table.</summary>
    internal static VifMeaning FixedUnit(int code) => code switch
    {
        0x00 => new("time", string.Empty, 1),                                                // h,m,s
        0x01 => new("date", string.Empty, 1),                                                // D,M,Y
        >= 0x02 and <= 0x0A => new("energy", "Wh", Pow10(code - 0x02)),                      // Wh … 100 MWh
        >= 0x0B and <= 0x13 => new("energy", "Wh", Pow10(code - 0x0B + 3) * WattHoursPerJoule), // kJ … 100 GJ
        >= 0x14 and <= 0x1C => new("power", "W", Pow10(code - 0x14)),                        // W … 100 MW
        >= 0x1D and <= 0x25 => new("power", "W", Pow10(code - 0x1D + 3) / 3600),             // kJ/h … 100 GJ/h
        >= 0x26 and <= 0x2E => new("volume", "m³", Pow10(code - 0x26 - 6)),                  // ml … 100 m³
        >= 0x2F and <= 0x37 => new("volumeFlow", "m³/h", Pow10(code - 0x2F - 6)),            // ml/h … 100 m³/h
        0x3E => new("sameAsFirstCounterHistoric", string.Empty, 1),                          // same unit as counter 1, historic value
        _ => new("reserved", string.Empty, 1),
    };
}
