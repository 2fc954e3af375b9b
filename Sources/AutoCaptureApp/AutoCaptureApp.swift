import CaptureCore
import TerminalUI
