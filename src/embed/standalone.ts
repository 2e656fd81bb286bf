// The single-file script for pages without a build step: React inside, registers the element.
import { defineGhlAttachments } from './ghl-attachments-element.js';

defineGhlAttachments();
