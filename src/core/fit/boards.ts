/**
 * The board catalog: what TinyML boards have for TensorFlow Lite Micro, from datasheets and product pages (`source`
 * on every board). Ids are PlatformIO board ids where PlatformIO knows the board (its `board = ` value), otherwise
 * the vendor kit name in lower case with dashes.
 *
 * `ramBytes` is the on-chip SRAM an application can use (what PlatformIO's board file gives as `maximum_ram_size`
 * where it has one: on some parts that is already less than the chip's total, e.g. the ESP32 DRAM or an Arduino
 * core that reserves RAM for the second core). `largestRegionBytes` is the largest contiguous block one array (the
 * tensor arena) can live in: the arena is one `uint8_t[]`, so a part with 1 MB split into 512 KB banks holds at
 * most a 512 KB arena. `flashBytes` is the program flash available to the application (PlatformIO's
 * `maximum_size` where it has one: some boards reserve a bootloader or an app partition).
 */
export type CoreId =
  | 'cortex-m0plus' | 'cortex-m3' | 'cortex-m4' | 'cortex-m7' | 'cortex-m33' | 'cortex-m55' | 'cortex-m85'
  | 'xtensa-lx6' | 'xtensa-lx7' | 'riscv32-imc';

export type FpuKind = 'none' | 'sp' | 'dp';

export interface Board {
  id: string;
  name: string;
  mcu: string;
  core: CoreId;
  clockMhz: number;
  ramBytes: number;
  largestRegionBytes: number;
  flashBytes: number;
  /** External PSRAM/SDRAM on the board (not counted in ramBytes; slower, and only usable with a linker section). */
  externalRamBytes?: number;
  fpu: FpuKind;
  /** Armv7E-M / Armv8-M DSP extension (SIMD on 8/16-bit), what CMSIS-NN's DSP path uses. */
  dsp: boolean;
  /** Armv8.1-M Helium (M-profile vector extension), CMSIS-NN's MVE path. */
  mve: boolean;
  /** Arduino FQBNs, ESP-IDF targets and Zephyr board names that mean this board (for detection). */
  aliases?: readonly string[];
  source: string;
  notes?: string;
}

const KiB = 1024;
const MiB = 1024 * 1024;

export const BOARDS: readonly Board[] = [
  // Nordic nRF52840 (Cortex-M4F, 64 MHz, 256 KB RAM, 1 MB flash)
  {
    id: 'nano33ble', name: 'Arduino Nano 33 BLE / BLE Sense', mcu: 'nRF52840', core: 'cortex-m4', clockMhz: 64,
    ramBytes: 256 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['arduino:mbed_nano:nano33ble', 'arduino:mbed:nano33ble', 'arduino_nano_33_ble', 'arduino_nano_33_ble_sense'],
    source: 'https://docs.arduino.cc/hardware/nano-33-ble-sense/',
    notes: 'Mbed OS (Arduino core) keeps roughly 40-60 KB of the RAM for itself, its heap and the stacks.',
  },
  {
    id: 'xiaoblesense', name: 'Seeed Studio XIAO nRF52840 Sense', mcu: 'nRF52840', core: 'cortex-m4', clockMhz: 64,
    ramBytes: 256 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['Seeeduino:mbed:xiaonRF52840Sense', 'Seeeduino:nrf52:xiaonRF52840Sense', 'xiao_ble_sense', 'xiao_ble/nrf52840/sense'],
    source: 'https://wiki.seeedstudio.com/XIAO_BLE/', notes: '2 MB QSPI flash on the board besides the 1 MB internal flash.',
  },
  {
    id: 'xiaoble', name: 'Seeed Studio XIAO nRF52840', mcu: 'nRF52840', core: 'cortex-m4', clockMhz: 64,
    ramBytes: 256 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['Seeeduino:mbed:xiaonRF52840', 'Seeeduino:nrf52:xiaonRF52840', 'xiao_ble'],
    source: 'https://wiki.seeedstudio.com/XIAO_BLE/',
  },
  {
    id: 'nrf52840_dk', name: 'Nordic nRF52840 DK', mcu: 'nRF52840', core: 'cortex-m4', clockMhz: 64,
    ramBytes: 256 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['nrf52840dk_nrf52840', 'nrf52840dk/nrf52840'],
    source: 'https://www.nordicsemi.com/Products/Development-hardware/nRF52840-DK',
  },
  {
    id: 'nrf5340-dk', name: 'Nordic nRF5340 DK (application core)', mcu: 'nRF5340', core: 'cortex-m33', clockMhz: 128,
    ramBytes: 512 * KiB, largestRegionBytes: 512 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['nrf5340dk_nrf5340_cpuapp', 'nrf5340dk/nrf5340/cpuapp', 'nrf5340dk_nrf5340_cpuapp_ns', 'nrf5340dk/nrf5340/cpuapp/ns'],
    source: 'https://www.nordicsemi.com/Products/nRF5340',
    notes: 'The network core (Cortex-M33, 64 MHz, 64 KB RAM, 256 KB flash) is not counted.',
  },
  // STMicroelectronics
  {
    id: 'nucleo_f401re', name: 'ST NUCLEO-F401RE', mcu: 'STM32F401RE', core: 'cortex-m4', clockMhz: 84,
    ramBytes: 96 * KiB, largestRegionBytes: 96 * KiB, flashBytes: 512 * KiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Nucleo_64:pnum=NUCLEO_F401RE', 'nucleo_f401re'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32f401re.html',
  },
  {
    id: 'nucleo_l476rg', name: 'ST NUCLEO-L476RG', mcu: 'STM32L476RG', core: 'cortex-m4', clockMhz: 80,
    ramBytes: 128 * KiB, largestRegionBytes: 96 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Nucleo_64:pnum=NUCLEO_L476RG'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32l476rg.html',
    notes: 'SRAM1 96 KB and SRAM2 32 KB are not contiguous.',
  },
  {
    id: 'disco_l475vg_iot01a', name: 'ST B-L475E-IOT01A Discovery kit', mcu: 'STM32L475VG', core: 'cortex-m4', clockMhz: 80,
    ramBytes: 128 * KiB, largestRegionBytes: 96 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Disco:pnum=B_L475E_IOT01A', 'disco_l475vg_iot01a', 'b_l475e_iot01a'],
    source: 'https://www.st.com/en/evaluation-tools/b-l475e-iot01a.html', notes: 'SRAM1 96 KB and SRAM2 32 KB are not contiguous.',
  },
  {
    id: 'nucleo_g474re', name: 'ST NUCLEO-G474RE', mcu: 'STM32G474RE', core: 'cortex-m4', clockMhz: 170,
    ramBytes: 128 * KiB, largestRegionBytes: 96 * KiB, flashBytes: 512 * KiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Nucleo_64:pnum=NUCLEO_G474RE'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32g474re.html',
    notes: 'SRAM1 80 KB + SRAM2 16 KB are contiguous; the 32 KB CCM SRAM is separate.',
  },
  {
    id: 'nucleo_l4r5zi', name: 'ST NUCLEO-L4R5ZI', mcu: 'STM32L4R5ZI', core: 'cortex-m4', clockMhz: 120,
    ramBytes: 640 * KiB, largestRegionBytes: 640 * KiB, flashBytes: 2 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Nucleo_144:pnum=NUCLEO_L4R5ZI', 'nucleo_l4r5zi'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32l4r5zi.html',
    notes: 'SRAM1 192 KB, SRAM2 64 KB and SRAM3 384 KB are mapped back to back from 0x20000000.',
  },
  {
    id: 'disco_f746ng', name: 'ST 32F746G-DISCOVERY', mcu: 'STM32F746NG', core: 'cortex-m7', clockMhz: 216,
    ramBytes: 320 * KiB, largestRegionBytes: 320 * KiB, flashBytes: 1 * MiB, externalRamBytes: 8 * MiB,
    fpu: 'sp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Disco:pnum=DISCO_F746NG', 'stm32f746g_disco'],
    source: 'https://www.st.com/en/evaluation-tools/32f746gdiscovery.html',
    notes: 'DTCM 64 KB + SRAM1 240 KB + SRAM2 16 KB are contiguous; 8 MB SDRAM on the board.',
  },
  {
    id: 'nucleo_f746zg', name: 'ST NUCLEO-F746ZG', mcu: 'STM32F746ZG', core: 'cortex-m7', clockMhz: 216,
    ramBytes: 320 * KiB, largestRegionBytes: 320 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Nucleo_144:pnum=NUCLEO_F746ZG', 'nucleo_f746zg'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32f746zg.html',
  },
  {
    id: 'nucleo_h743zi', name: 'ST NUCLEO-H743ZI', mcu: 'STM32H743ZI', core: 'cortex-m7', clockMhz: 400,
    ramBytes: 1 * MiB, largestRegionBytes: 512 * KiB, flashBytes: 2 * MiB, fpu: 'dp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Nucleo_144:pnum=NUCLEO_H743ZI', 'STMicroelectronics:stm32:Nucleo_144:pnum=NUCLEO_H743ZI2', 'nucleo_h743zi'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32h743zi.html',
    notes: '400 MHz is PlatformIO\'s clock (revision Y silicon); revision V runs at 480 MHz. Largest block: AXI SRAM 512 KB.',
  },
  {
    id: 'nucleo_h7a3zi_q', name: 'ST NUCLEO-H7A3ZI-Q', mcu: 'STM32H7A3ZI', core: 'cortex-m7', clockMhz: 280,
    ramBytes: 1376 * KiB, largestRegionBytes: 1 * MiB, flashBytes: 2 * MiB, fpu: 'dp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Nucleo_144:pnum=NUCLEO_H7A3ZI_Q', 'nucleo_h7a3zi_q'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32h7a3zi.html',
    notes: 'Largest block: the three AXI SRAM banks (1 MB, contiguous).',
  },
  {
    id: 'nucleo_u575zi_q', name: 'ST NUCLEO-U575ZI-Q', mcu: 'STM32U575ZI', core: 'cortex-m33', clockMhz: 160,
    ramBytes: 768 * KiB, largestRegionBytes: 768 * KiB, flashBytes: 2 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['STMicroelectronics:stm32:Nucleo_144:pnum=NUCLEO_U575ZI_Q', 'nucleo_u575zi_q'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32u575zi.html',
    notes: 'SRAM1 192 KB + SRAM2 64 KB + SRAM3 512 KB are contiguous; SRAM4 16 KB is separate.',
  },
  {
    id: 'disco_b_u585i_iot02a', name: 'ST B-U585I-IOT02A Discovery kit', mcu: 'STM32U585AI', core: 'cortex-m33', clockMhz: 160,
    ramBytes: 768 * KiB, largestRegionBytes: 768 * KiB, flashBytes: 2 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['b_u585i_iot02a'],
    source: 'https://www.st.com/en/evaluation-tools/b-u585i-iot02a.html',
  },
  {
    id: 'bluepill_f103c8', name: 'STM32 Blue Pill (F103C8)', mcu: 'STM32F103C8', core: 'cortex-m3', clockMhz: 72,
    ramBytes: 20 * KiB, largestRegionBytes: 20 * KiB, flashBytes: 64 * KiB, fpu: 'none', dsp: false, mve: false,
    aliases: ['STMicroelectronics:stm32:GenF1:pnum=BLUEPILL_F103C8', 'stm32_min_dev_blue'],
    source: 'https://www.st.com/en/microcontrollers-microprocessors/stm32f103c8.html',
  },
  // Arduino (STM32H747, Renesas RA)
  {
    id: 'portenta_h7_m7', name: 'Arduino Portenta H7 (M7 core)', mcu: 'STM32H747XI', core: 'cortex-m7', clockMhz: 480,
    ramBytes: 523624, largestRegionBytes: 523624, flashBytes: 786432, externalRamBytes: 8 * MiB,
    fpu: 'dp', dsp: true, mve: false,
    aliases: ['arduino:mbed_portenta:envie_m7', 'arduino_portenta_h7/stm32h747xx/m7', 'arduino_portenta_h7_m7'],
    source: 'https://docs.arduino.cc/hardware/portenta-h7/',
    notes: 'RAM and flash are the Arduino core\'s M7 share (PlatformIO board file); the chip has 1 MB SRAM, 2 MB flash.',
  },
  {
    id: 'nicla_vision', name: 'Arduino Nicla Vision', mcu: 'STM32H747AI', core: 'cortex-m7', clockMhz: 480,
    ramBytes: 523624, largestRegionBytes: 523624, flashBytes: 786432, fpu: 'dp', dsp: true, mve: false,
    aliases: ['arduino:mbed_nicla:nicla_vision', 'arduino_nicla_vision/stm32h747xx/m7', 'arduino_nicla_vision_m7'],
    source: 'https://docs.arduino.cc/hardware/nicla-vision/',
    notes: 'RAM and flash are the Arduino core\'s M7 share (PlatformIO board file); 16 MB QSPI flash on the board.',
  },
  {
    id: 'portenta_c33', name: 'Arduino Portenta C33', mcu: 'R7FA6M5BH', core: 'cortex-m33', clockMhz: 200,
    ramBytes: 512 * KiB, largestRegionBytes: 512 * KiB, flashBytes: 2 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['arduino:renesas_portenta:portenta_c33'],
    source: 'https://docs.arduino.cc/hardware/portenta-c33/',
  },
  {
    id: 'uno_r4_minima', name: 'Arduino UNO R4 Minima', mcu: 'R7FA4M1AB', core: 'cortex-m4', clockMhz: 48,
    ramBytes: 32 * KiB, largestRegionBytes: 32 * KiB, flashBytes: 256 * KiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['arduino:renesas_uno:minima'],
    source: 'https://docs.arduino.cc/hardware/uno-r4-minima/',
  },
  {
    id: 'uno_r4_wifi', name: 'Arduino UNO R4 WiFi', mcu: 'R7FA4M1AB', core: 'cortex-m4', clockMhz: 48,
    ramBytes: 32 * KiB, largestRegionBytes: 32 * KiB, flashBytes: 256 * KiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['arduino:renesas_uno:unor4wifi'],
    source: 'https://docs.arduino.cc/hardware/uno-r4-wifi/',
  },
  // Renesas evaluation kits
  {
    id: 'ek-ra6m4', name: 'Renesas EK-RA6M4', mcu: 'R7FA6M4AF', core: 'cortex-m33', clockMhz: 200,
    ramBytes: 256 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['ek_ra6m4'],
    source: 'https://www.renesas.com/en/products/microcontrollers-microprocessors/ra-cortex-m-mcus/ek-ra6m4-evaluation-kit-ra6m4-mcu-group',
  },
  {
    id: 'ek-ra8d1', name: 'Renesas EK-RA8D1', mcu: 'R7FA8D1BH', core: 'cortex-m85', clockMhz: 480,
    ramBytes: 1 * MiB, largestRegionBytes: 896 * KiB, flashBytes: 2 * MiB, externalRamBytes: 64 * MiB,
    fpu: 'dp', dsp: true, mve: true,
    aliases: ['ek_ra8d1'],
    source: 'https://www.renesas.com/en/products/microcontrollers-microprocessors/ra-cortex-m-mcus/ek-ra8d1-evaluation-kit-ra8d1-mcu-group',
    notes: '1 MB SRAM of which 128 KB is TCM (64 KB ITCM + 64 KB DTCM); the 896 KB user SRAM is contiguous. 64 MB SDRAM on the kit.',
  },
  // Raspberry Pi
  {
    id: 'pico', name: 'Raspberry Pi Pico', mcu: 'RP2040', core: 'cortex-m0plus', clockMhz: 133,
    ramBytes: 264 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 2 * MiB, fpu: 'none', dsp: false, mve: false,
    aliases: ['rp2040:rp2040:rpipico', 'arduino:mbed_rp2040:pico', 'rpi_pico', 'rpi_pico/rp2040'],
    source: 'https://datasheets.raspberrypi.com/rp2040/rp2040-datasheet.pdf',
    notes: 'Four striped 64 KB banks form one 256 KB block; two 4 KB banks are separate. The second core is not used by TFLM.',
  },
  {
    id: 'rpipico2', name: 'Raspberry Pi Pico 2', mcu: 'RP2350', core: 'cortex-m33', clockMhz: 150,
    ramBytes: 520 * KiB, largestRegionBytes: 512 * KiB, flashBytes: 4 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['rp2040:rp2040:rpipico2', 'rpi_pico2', 'rpi_pico2/rp2350a/m33'],
    source: 'https://datasheets.raspberrypi.com/rp2350/rp2350-datasheet.pdf',
    notes: 'PlatformIO id from the community Raspberry Pi platform (maxgerhardt/platform-raspberrypi).',
  },
  {
    id: 'nanorp2040connect', name: 'Arduino Nano RP2040 Connect', mcu: 'RP2040', core: 'cortex-m0plus', clockMhz: 133,
    ramBytes: 264 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 16 * MiB, fpu: 'none', dsp: false, mve: false,
    aliases: ['arduino:mbed_nano:nanorp2040connect', 'arduino_nano_rp2040_connect'],
    source: 'https://docs.arduino.cc/hardware/nano-rp2040-connect/',
  },
  {
    id: 'seeed_xiao_rp2040', name: 'Seeed Studio XIAO RP2040', mcu: 'RP2040', core: 'cortex-m0plus', clockMhz: 133,
    ramBytes: 264 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 2 * MiB, fpu: 'none', dsp: false, mve: false,
    aliases: ['rp2040:rp2040:seeed_xiao_rp2040', 'xiao_rp2040'],
    source: 'https://wiki.seeedstudio.com/XIAO-RP2040/',
  },
  // PJRC
  {
    id: 'teensy41', name: 'PJRC Teensy 4.1', mcu: 'i.MX RT1062', core: 'cortex-m7', clockMhz: 600,
    ramBytes: 1 * MiB, largestRegionBytes: 512 * KiB, flashBytes: 7936 * KiB, fpu: 'dp', dsp: true, mve: false,
    aliases: ['teensy:avr:teensy41'],
    source: 'https://www.pjrc.com/store/teensy41.html',
    notes: 'RAM1 (tightly coupled, 512 KB, shared with code run from ITCM) and RAM2 (OCRAM, 512 KB, DMAMEM) are separate.',
  },
  {
    id: 'teensy40', name: 'PJRC Teensy 4.0', mcu: 'i.MX RT1062', core: 'cortex-m7', clockMhz: 600,
    ramBytes: 1 * MiB, largestRegionBytes: 512 * KiB, flashBytes: 1984 * KiB, fpu: 'dp', dsp: true, mve: false,
    aliases: ['teensy:avr:teensy40'],
    source: 'https://www.pjrc.com/store/teensy40.html',
    notes: 'RAM1 (tightly coupled, 512 KB) and RAM2 (OCRAM, 512 KB) are separate.',
  },
  // SparkFun, Seeed (SAMD51), Sony
  {
    id: 'sparkfun-edge', name: 'SparkFun Edge', mcu: 'Apollo3 Blue', core: 'cortex-m4', clockMhz: 48,
    ramBytes: 384 * KiB, largestRegionBytes: 384 * KiB, flashBytes: 1 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['SparkFun:apollo3:sfe_edge', 'SparkFun:apollo3:edge'],
    source: 'https://www.sparkfun.com/products/15170',
    notes: 'The Apollo3 runs at 48 MHz, 96 MHz in TurboSPOT burst mode.',
  },
  {
    id: 'seeed_wio_terminal', name: 'Seeed Studio Wio Terminal', mcu: 'ATSAMD51P19', core: 'cortex-m4', clockMhz: 120,
    ramBytes: 192 * KiB, largestRegionBytes: 192 * KiB, flashBytes: 512 * KiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['Seeeduino:samd:seeed_wio_terminal'],
    source: 'https://wiki.seeedstudio.com/Wio-Terminal-Getting-Started/', notes: '4 MB QSPI flash on the board.',
  },
  {
    id: 'spresense', name: 'Sony Spresense', mcu: 'CXD5602', core: 'cortex-m4', clockMhz: 156,
    ramBytes: 1536 * KiB, largestRegionBytes: 1536 * KiB, flashBytes: 8 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['SPRESENSE:spresense:spresense'],
    source: 'https://developer.sony.com/spresense/',
    notes: 'Six Cortex-M4F cores share the 1.5 MB SRAM; the Arduino main core gets 768 KB by default (configurable).',
  },
  // Infineon, NXP, Silicon Labs
  {
    id: 'cy8ckit-062s2-43012', name: 'Infineon PSoC 62S2 Wi-Fi BT Pioneer Kit (CY8CKIT-062S2-43012)', mcu: 'CY8C624ABZI-S2D44',
    core: 'cortex-m4', clockMhz: 150, ramBytes: 1 * MiB, largestRegionBytes: 1016 * KiB, flashBytes: 2 * MiB,
    fpu: 'sp', dsp: true, mve: false,
    aliases: ['cy8ckit_062s2_43012', 'cy8ckit_062s2_43012/cy8c624abzi_s2d44'],
    source: 'https://www.infineon.com/cms/en/product/evaluation-boards/cy8ckit-062s2-43012/',
    notes: 'The Cortex-M0+ core\'s image takes about 8 KB of the SRAM in the default ModusToolbox layout.',
  },
  {
    id: 'frdm-mcxn947', name: 'NXP FRDM-MCXN947', mcu: 'MCXN947', core: 'cortex-m33', clockMhz: 150,
    ramBytes: 512 * KiB, largestRegionBytes: 416 * KiB, flashBytes: 2 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['frdm_mcxn947', 'frdm_mcxn947/mcxn947/cpu0'],
    source: 'https://www.nxp.com/design/design-center/development-boards-and-designs/FRDM-MCXN947',
    notes: 'Second Cortex-M33 and the eIQ Neutron NPU are not counted (TFLM runs on CPU0). Largest block: RAM A–G in the default linker layout.',
  },
  {
    id: 'xg24-dk2601b', name: 'Silicon Labs EFR32xG24 Dev Kit (BRD2601B)', mcu: 'EFR32MG24B310F1536IM48', core: 'cortex-m33',
    clockMhz: 78, ramBytes: 256 * KiB, largestRegionBytes: 256 * KiB, flashBytes: 1536 * KiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['SiliconLabs:silabs:xg24explorerkit', 'xg24_dk2601b', 'xg24_dk2601b/efr32mg24b310f1536im48'],
    source: 'https://www.silabs.com/development-tools/wireless/efr32xg24-dev-kit',
    notes: 'The MVP matrix accelerator is not modelled: figures are for TFLM on the CPU.',
  },
  // Espressif (Xtensa LX6/LX7, RISC-V)
  {
    id: 'esp32dev', name: 'Espressif ESP32-DevKitC (ESP32-WROOM-32)', mcu: 'ESP32', core: 'xtensa-lx6', clockMhz: 240,
    ramBytes: 320 * KiB, largestRegionBytes: 160 * KiB, flashBytes: 1280 * KiB, fpu: 'sp', dsp: false, mve: false,
    aliases: ['esp32:esp32:esp32', 'esp32', 'esp32_devkitc_wroom', 'esp32_devkitc_wroom/esp32/procpu'],
    source: 'https://www.espressif.com/sites/default/files/documentation/esp32_datasheet_en.pdf',
    notes: 'RAM is the DRAM an application gets (PlatformIO); a static array is limited by the ~160 KB dram0 segment, a heap arena by the largest free block (often ~110 KB). Flash: the 1.25 MB default app partition of the 4 MB chip.',
  },
  {
    id: 'esp32cam', name: 'AI-Thinker ESP32-CAM', mcu: 'ESP32', core: 'xtensa-lx6', clockMhz: 240,
    ramBytes: 320 * KiB, largestRegionBytes: 160 * KiB, flashBytes: 3 * MiB, externalRamBytes: 4 * MiB,
    fpu: 'sp', dsp: false, mve: false,
    aliases: ['esp32:esp32:esp32cam'],
    source: 'https://docs.ai-thinker.com/en/esp32-cam',
    notes: '4 MB PSRAM on the board (an arena there is several times slower).',
  },
  {
    id: 'esp32-s3-devkitc-1', name: 'Espressif ESP32-S3-DevKitC-1', mcu: 'ESP32-S3', core: 'xtensa-lx7', clockMhz: 240,
    ramBytes: 320 * KiB, largestRegionBytes: 320 * KiB, flashBytes: 8 * MiB, fpu: 'sp', dsp: true, mve: false,
    aliases: ['esp32:esp32:esp32s3', 'esp32s3', 'esp32s3_devkitc', 'esp32s3_devkitc/esp32s3/procpu'],
    source: 'https://docs.espressif.com/projects/esp-idf/en/latest/esp32s3/hw-reference/esp32s3/user-guide-devkitc-1.html',
    notes: 'dsp = the ESP32-S3 PIE vector instructions ESP-NN uses. Module variants with PSRAM (N8R2, N8R8) exist.',
  },
  {
    id: 'seeed_xiao_esp32s3', name: 'Seeed Studio XIAO ESP32S3 (Sense)', mcu: 'ESP32-S3', core: 'xtensa-lx7', clockMhz: 240,
    ramBytes: 320 * KiB, largestRegionBytes: 320 * KiB, flashBytes: 8 * MiB, externalRamBytes: 8 * MiB,
    fpu: 'sp', dsp: true, mve: false,
    aliases: ['esp32:esp32:XIAO_ESP32S3', 'xiao_esp32s3', 'xiao_esp32s3/esp32s3/procpu'],
    source: 'https://wiki.seeedstudio.com/xiao_esp32s3_getting_started/', notes: '8 MB PSRAM on the board.',
  },
  {
    id: 'arduino_nano_esp32', name: 'Arduino Nano ESP32', mcu: 'ESP32-S3', core: 'xtensa-lx7', clockMhz: 240,
    ramBytes: 320 * KiB, largestRegionBytes: 320 * KiB, flashBytes: 16 * MiB, externalRamBytes: 8 * MiB,
    fpu: 'sp', dsp: true, mve: false,
    aliases: ['arduino:esp32:nano_nora', 'esp32:esp32:nano_nora', 'arduino_nano_esp32/esp32s3/procpu'],
    source: 'https://docs.arduino.cc/hardware/nano-esp32/',
  },
  {
    id: 'esp32-c3-devkitm-1', name: 'Espressif ESP32-C3-DevKitM-1', mcu: 'ESP32-C3', core: 'riscv32-imc', clockMhz: 160,
    ramBytes: 320 * KiB, largestRegionBytes: 320 * KiB, flashBytes: 4 * MiB, fpu: 'none', dsp: false, mve: false,
    aliases: ['esp32:esp32:esp32c3', 'esp32c3', 'esp32c3_devkitm'],
    source: 'https://docs.espressif.com/projects/esp-idf/en/latest/esp32c3/hw-reference/esp32c3/user-guide-devkitm-1.html',
  },
];
